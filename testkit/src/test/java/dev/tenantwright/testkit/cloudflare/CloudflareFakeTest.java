package dev.tenantwright.testkit.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.JsonClient;
import dev.tenantwright.testkit.JsonClient.Answer;
import dev.tenantwright.testkit.dns.DnsFake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudflareFakeTest {

  static final String RECORDS = "/zones/" + CloudflareFake.ZONE_ID + "/dns_records";
  static final String CUSTOMER_ID = "9a7806061c88ada191ed06f989cc3dac";
  static final String CUSTOMER_RECORDS = "/zones/" + CUSTOMER_ID + "/dns_records";

  final CloudflareFake fake = new CloudflareFake();
  final JsonClient http = new JsonClient(fake.baseUrl(), CloudflareFake.TOKEN);

  @AfterEach
  void close() {
    fake.close();
  }

  Answer create(String type, String name, String content, String comment) {
    return http.post(RECORDS, "{\"type\":\"" + type + "\",\"name\":\"" + name + "\",\"content\":\"" + content
        + "\",\"ttl\":1,\"proxied\":false" + (comment == null ? "" : ",\"comment\":\"" + comment + "\"") + "}");
  }

  @Test
  void aRecordIsCreatedListedByTypeAndNameReadAndDeletedInTheEnvelope() {
    Answer created = create("CNAME", "shop.example.com", "cname.vercel-dns.com", "tw:acme/demo/dns@0123456789ab");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.json().get("success").asBoolean()).isTrue();
    String id = created.json().at("/result/id").asText();

    Answer listed = http.get(RECORDS + "?type=CNAME&name=shop.example.com&per_page=100");
    assertThat(listed.json().get("result")).hasSize(1);
    assertThat(listed.json().at("/result/0/comment").asText()).isEqualTo("tw:acme/demo/dns@0123456789ab");
    assertThat(listed.json().at("/result_info/total_count").asInt()).isEqualTo(1);
    assertThat(http.get(RECORDS + "/" + id).json().at("/result/content").asText()).isEqualTo("cname.vercel-dns.com");
    assertThat(http.delete(RECORDS + "/" + id).json().at("/result/id").asText()).isEqualTo(id);

    Answer gone = http.delete(RECORDS + "/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().at("/errors/0/code").asInt()).isEqualTo(81044);
    assertThat(fake.liveObjects()).isEmpty();
    fake.assertContractRespected();
  }

  @Test
  void anIdenticalRecordIs81058AndAConflictingHostIs81053Or81054() {
    create("A", "app.example.com", "198.51.100.4", null);
    create("CNAME", "www.example.com", "cname.vercel-dns.com", null);

    Answer identical = create("A", "app.example.com", "198.51.100.4", null);
    assertThat(identical.status()).isEqualTo(400);
    assertThat(identical.json().at("/errors/0/code").asInt()).isEqualTo(81058);
    assertThat(create("CNAME", "app.example.com", "x.example.net", null).json().at("/errors/0/code").asInt())
        .isEqualTo(81053);
    assertThat(create("A", "www.example.com", "198.51.100.5", null).json().at("/errors/0/code").asInt())
        .isEqualTo(81054);
    assertThat(create("A", "app.example.com", "198.51.100.5", null).status()).as("round robin").isEqualTo(200);
    fake.identicalCode(81057);
    assertThat(create("A", "app.example.com", "198.51.100.4", null).json().at("/errors/0/code").asInt()).isEqualTo(81057);
    fake.assertContractRespected();
  }

  @Test
  void invalidContentTtlProxyingAndLongCommentsAreRefused() {
    assertThat(create("A", "app.example.com", "not-an-ip", null).json().at("/errors/0/code").asInt()).isEqualTo(9005);
    assertThat(http.post(RECORDS, "{\"type\":\"A\",\"name\":\"a.example.com\",\"content\":\"198.51.100.4\",\"ttl\":5}")
        .json().at("/errors/0/code").asInt()).isEqualTo(9021);
    assertThat(http.post(RECORDS, "{\"type\":\"TXT\",\"name\":\"a.example.com\",\"content\":\"x\",\"proxied\":true}")
        .json().at("/errors/0/code").asInt()).isEqualTo(9004);
    assertThat(create("TXT", "a.example.com", "x", "c".repeat(101)).status()).isEqualTo(400);
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.contractViolations()).as("the fake's refusals have Cloudflare's failure shape")
        .noneMatch(v -> v.contains("(response)"));
  }

  @Test
  void patchChangesARecordAndRelativeNamesGetTheZone() {
    String id = create("A", "app", "198.51.100.4", null).json().at("/result/id").asText();
    Answer patched = http.send("PATCH", RECORDS + "/" + id,
        "{\"type\":\"A\",\"name\":\"app.example.com\",\"content\":\"198.51.100.9\",\"ttl\":300}");

    assertThat(patched.json().at("/result/name").asText()).isEqualTo("app.example.com");
    assertThat(patched.json().at("/result/content").asText()).isEqualTo("198.51.100.9");
    assertThat(fake.record(id).orElseThrow().ttl()).isEqualTo(300);
    fake.assertContractRespected();
  }

  @Test
  void aWrongTokenOrZoneIsRefusedWithCloudflareCodes() {
    Answer denied = new JsonClient(fake.baseUrl(), "wrong").get(RECORDS);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().at("/errors/0/code").asInt()).isEqualTo(10000);
    assertThat(http.get("/zones/ffffffffffffffffffffffffffffffff/dns_records").json().at("/errors/0/code").asInt())
        .isEqualTo(7003);
    fake.assertContractRespected();
  }

  @Test
  void aRateLimitCarriesRetryAfterAndTheCallbackCountsCallsThatTookEffect() {
    List<Integer> seen = new ArrayList<>();
    fake.afterEachCall(seen::add);
    fake.inject(Fault.rateLimited(Duration.ofSeconds(3)).on(CloudflareFake.CREATE).times(1));

    Answer limited = create("TXT", "v.example.com", "x", null);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().at("/errors/0/code").asInt()).isEqualTo(971);
    create("TXT", "v.example.com", "x", null);
    assertThat(seen).containsExactly(1);
    assertThat(fake.hasTxt("v.example.com", "\"x\"")).isTrue();
  }

  @Test
  void aNonConformingRequestIsReported() {
    http.post(RECORDS, "{\"type\":\"A\",\"name\":\"a.example.com\"}");

    assertThat(fake.contractViolations()).anySatisfy(v -> assertThat(v).contains("(request)"));
  }

  @Test
  void cf1_aZoneIsFoundByItsExactNameWithEveryFieldTheSpecRequires() {
    fake.zone(CUSTOMER_ID, "Customer.Example.net").zone("5a7805061c88ada191ed06f989cc3dad", "pending.example.org", "pending");

    Answer found = http.get("/zones?name=customer.example.net");
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json().get("result")).singleElement().satisfies(z -> {
      assertThat(z.get("id").asText()).isEqualTo(CUSTOMER_ID);
      assertThat(z.get("name").asText()).isEqualTo("customer.example.net");
      assertThat(z.get("status").asText()).isEqualTo("active");
    });
    assertThat(http.get("/zones?name=shop.customer.example.net").json().get("result")).as("exact, not a suffix")
        .isEmpty();
    assertThat(http.get("/zones?name=ends_with:example.net").json().get("result")).hasSize(1);
    assertThat(http.get("/zones?status=pending").json().at("/result/0/name").asText()).isEqualTo("pending.example.org");
    assertThat(http.get("/zones?per_page=5").json().at("/result_info/total_count").asInt()).isEqualTo(3);
    assertThat(http.get("/zones/" + CUSTOMER_ID).json().at("/result/name").asText()).isEqualTo("customer.example.net");
    assertThat(http.get("/zones/ffffffffffffffffffffffffffffffff").json().at("/errors/0/code").asInt()).isEqualTo(7003);
    fake.assertContractRespected();
  }

  @Test
  void cf1_eachZoneKeepsItsOwnRecordsAndANameOutsideTheZoneItIsSentToIs1004() {
    fake.zone(CUSTOMER_ID, "customer.example.net");

    Answer outside = create("CNAME", "shop.customer.example.net", "cname.vercel-dns.com", null);
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.json().at("/errors/0/code").asInt()).isEqualTo(1004);
    Answer inside = http.post(CUSTOMER_RECORDS, "{\"type\":\"CNAME\",\"name\":\"shop.customer.example.net\","
        + "\"content\":\"cname.vercel-dns.com\",\"ttl\":1}");
    assertThat(inside.status()).isEqualTo(200);
    String id = inside.json().at("/result/id").asText();

    assertThat(fake.record(id).orElseThrow().zoneId()).isEqualTo(CUSTOMER_ID);
    assertThat(http.get(RECORDS + "?name=shop.customer.example.net").json().get("result")).isEmpty();
    assertThat(http.get(RECORDS + "/" + id).json().at("/errors/0/code").asInt()).as("not in this zone").isEqualTo(81044);
    assertThat(http.get(CUSTOMER_RECORDS + "/" + id).status()).isEqualTo(200);
    String planted = fake.putRecord("TXT", "_verify.customer.example.net", "x", null);
    assertThat(fake.record(planted).orElseThrow().zoneId()).as("planted in the zone of its name").isEqualTo(CUSTOMER_ID);
    fake.assertContractRespected();
  }

  @Test
  void sec4_aWildcardRecordIsAcceptedAsCloudflareAcceptsIt() {
    assertThat(create("A", "*.example.com", "198.51.100.4", null).status()).isEqualTo(200);
    assertThat(create("A", "a.*.example.com", "198.51.100.4", null).json().at("/errors/0/code").asInt()).isEqualTo(1004);
    fake.assertContractRespected();
  }

  @Test
  void cf3_aProxiedRecordAlwaysKeepsTheAutomaticTtl() {
    Answer made = http.post(RECORDS,
        "{\"type\":\"A\",\"name\":\"app.example.com\",\"content\":\"198.51.100.4\",\"proxied\":true,\"ttl\":300}");
    String id = made.json().at("/result/id").asText();
    assertThat(made.json().at("/result/ttl").asInt()).isEqualTo(1);

    String patch = "{\"type\":\"A\",\"name\":\"app.example.com\",\"content\":\"198.51.100.4\",";
    http.send("PATCH", RECORDS + "/" + id, patch + "\"ttl\":600}");
    assertThat(fake.record(id).orElseThrow().ttl()).isEqualTo(1);
    http.send("PATCH", RECORDS + "/" + id, patch + "\"proxied\":false,\"ttl\":600}");
    assertThat(fake.record(id).orElseThrow().ttl()).as("DNS-only records keep the TTL sent").isEqualTo(600);
    fake.assertContractRespected();
  }

  @Test
  void cf2_theDnsViewAnswersWhatCloudflaresNameServersWouldForActiveZonesOnly() throws Exception {
    fake.zone(CUSTOMER_ID, "customer.example.net").zone("5a7805061c88ada191ed06f989cc3dad", "pending.example.org", "pending");
    fake.putRecord("TXT", "_vercel.customer.example.net", "\"vc-domain-verify=abc\"", null);
    fake.putRecord("TXT", "_vercel.pending.example.org", "vc-domain-verify=abc", null);
    fake.putRecord("A", "origin.example.com", "198.51.100.4", null);
    fake.putRecord("CNAME", "www.example.com", "origin.example.com", null);
    fake.putRecord("CNAME", "customer.example.net", "origin.example.com", null);
    create("A", "shop.example.com", "198.51.100.5", null);
    http.send("PATCH", RECORDS + "/" + fake.records().get(fake.records().size() - 1).id(),
        "{\"type\":\"A\",\"name\":\"shop.example.com\",\"content\":\"198.51.100.5\",\"proxied\":true}");
    DnsFake.Source view = fake.dns();

    assertThat(view.lookup("_vercel.customer.example.net", "TXT")).as("unquoted").containsExactly("vc-domain-verify=abc");
    assertThat(view.lookup("_vercel.pending.example.org", "TXT")).as("a pending zone is not served").isEmpty();
    assertThat(view.lookup("www.example.com", "CNAME")).containsExactly("origin.example.com");
    assertThat(view.lookup("shop.example.com", "A")).as("proxied").containsExactly(CloudflareFake.PROXY_IPV4);
    assertThat(view.lookup("shop.example.com", "AAAA")).containsExactly(CloudflareFake.PROXY_IPV6);
    assertThat(view.lookup("customer.example.net", "CNAME")).as("an apex CNAME is flattened").isEmpty();
    assertThat(view.lookup("customer.example.net", "A")).containsExactly("198.51.100.4");
    try (DnsFake dns = new DnsFake()) {
      dns.source(view);
      assertThat(dns.lookup("www.example.com", "CNAME")).containsExactly("origin.example.com");
    }
  }
}

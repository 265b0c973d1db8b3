package dev.tenantwright.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** {@link DnsFake} asked by dnsjava's own resolver, over UDP and TCP, as the code under test would ask it. */
class DnsFakeTest {

  final DnsFake dns = new DnsFake();

  @AfterEach
  void close() {
    dns.close();
  }

  Message ask(String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(dns.socketAddress());
    resolver.setTimeout(Duration.ofSeconds(5));
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  static List<String> txt(Message m) {
    return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof TXTRecord)
        .map(r -> String.join("", ((TXTRecord) r).getStringsAsByteArrays().stream()
            .map(b -> new String(b, StandardCharsets.UTF_8)).toList()))
        .toList();
  }

  @Test
  void aTxtQuestionIsAnsweredWithEachPlantedValueAsARecursiveResolverWould() throws IOException {
    dns.txt("_vercel.Shop.Example.com.", "vc-domain-verify=shop.example.com,7f3a", "other");

    Message answer = ask("_vercel.shop.example.com", Type.TXT);

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(answer.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(txt(answer)).containsExactly("vc-domain-verify=shop.example.com,7f3a", "other");
    assertThat(dns.address()).isEqualTo("127.0.0.1:" + dns.port());
  }

  @Test
  void aLongTxtValueTravelsAs255ByteStringsAndATruncatedUdpAnswerIsRetriedOverTcp() throws IOException {
    String key = "v=DKIM1; k=rsa; p=" + "A".repeat(2990) + "\\é\"";
    dns.txt("mail._domainkey.example.com", key);

    Message overTcp = ask("mail._domainkey.example.com", Type.TXT);
    assertThat(txt(overTcp)).containsExactly(key);
    TXTRecord record = (TXTRecord) overTcp.getSection(Section.ANSWER).get(0);
    assertThat(record.getStringsAsByteArrays()).hasSize(12).allSatisfy(s -> assertThat(s.length).isLessThanOrEqualTo(255));

    SimpleResolver udpOnly = new SimpleResolver(dns.socketAddress());
    udpOnly.setIgnoreTruncation(true);
    Message truncated = udpOnly.send(Message.newQuery(Record.newRecord(
        Name.fromString("mail._domainkey.example.com."), Type.TXT, DClass.IN)));
    assertThat(truncated.getHeader().getFlag(Flags.TC)).as("too big for UDP: the TC flag asks for TCP").isTrue();
  }

  @Test
  void aCnameChainIsFollowedAndTheAnswerNamesEveryHop() throws IOException {
    dns.cname("www.shop.example.com", "shop.example.com").cname("shop.example.com", "cname.vercel-dns.com")
        .a("cname.vercel-dns.com", "76.76.21.21");

    Message answer = ask("www.shop.example.com", Type.A);

    assertThat(answer.getSection(Section.ANSWER)).hasSize(3);
    assertThat(answer.getSection(Section.ANSWER).get(0)).isInstanceOfSatisfying(CNAMERecord.class,
        c -> assertThat(c.getTarget().toString()).isEqualTo("shop.example.com."));
    assertThat(answer.getSection(Section.ANSWER).get(2)).isInstanceOfSatisfying(ARecord.class,
        a -> assertThat(a.getAddress().getHostAddress()).isEqualTo("76.76.21.21"));
    assertThat(ask("www.shop.example.com", Type.CNAME).getSection(Section.ANSWER)).as("a CNAME question is not chased")
        .hasSize(1);
  }

  @Test
  void aMissingNameIsNxdomainWhileANameWithOtherTypesOrNamesBelowItIsAnEmptyNoerror() throws IOException {
    dns.a("app.example.com", "198.51.100.4").aaaa("app.example.com", "2001:db8::4");

    assertThat(ask("nothing.example.com", Type.TXT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message noData = ask("app.example.com", Type.TXT);
    assertThat(noData.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(noData.getSection(Section.ANSWER)).isEmpty();
    assertThat(ask("example.com", Type.A).getRcode()).as("an empty non-terminal exists").isEqualTo(Rcode.NOERROR);
    assertThat(ask("app.example.com", Type.AAAA).getSection(Section.ANSWER)).singleElement()
        .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("2001:db8:0:0:0:0:0:4"));
  }

  @Test
  void sourcesAnswerAfterThePlantedRecordsAndSeeEachQuestionAsItArrives() throws IOException {
    Map<String, String> live = new java.util.concurrent.ConcurrentHashMap<>();
    dns.txt("_verify.example.com", "planted").source((name, type) ->
        type.equals("TXT") && live.containsKey(name) ? List.of(live.get(name)) : List.of());

    assertThat(txt(ask("_verify.example.com", Type.TXT))).containsExactly("planted");
    live.put("_verify.example.com", "from the source");
    assertThat(txt(ask("_verify.example.com", Type.TXT))).containsExactly("planted", "from the source");
    assertThat(dns.lookup("_VERIFY.example.com.", "txt")).containsExactly("planted", "from the source");
    dns.remove("_verify.example.com", "TXT");
    assertThat(txt(ask("_verify.example.com", Type.TXT))).containsExactly("from the source");
  }

  @Test
  void plantedFailuresAnswerServfailOrRefusedOrNothingAtAll() throws IOException {
    dns.txt("_verify.example.com", "x").fail("_verify.example.com", DnsFake.Failure.SERVFAIL)
        .fail("refused.example.com", DnsFake.Failure.REFUSED).fail("silent.example.com", DnsFake.Failure.TIMEOUT);

    assertThat(ask("_verify.example.com", Type.TXT).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(ask("refused.example.com", Type.TXT).getRcode()).isEqualTo(Rcode.REFUSED);
    SimpleResolver impatient = new SimpleResolver(dns.socketAddress());
    impatient.setTimeout(Duration.ofMillis(200));
    assertThatThrownBy(() -> impatient.send(Message.newQuery(Record.newRecord(
        Name.fromString("silent.example.com."), Type.TXT, DClass.IN)))).isInstanceOf(IOException.class);
    dns.clearFailures();
    assertThat(txt(ask("_verify.example.com", Type.TXT))).containsExactly("x");
  }

  @Test
  void everyQuestionIsLoggedInOrder() throws IOException {
    ask("a.example.com", Type.TXT);
    ask("A.example.com", Type.A);
    ask("b.example.com", Type.CNAME);

    assertThat(dns.queries()).containsExactly("TXT a.example.com", "A a.example.com", "CNAME b.example.com");
    assertThat(dns.queries("a.example.com")).isEqualTo(2);
  }

  @Test
  void malformedQueriesAndBadRecordsAreRefusedWithoutStoppingTheServer() throws IOException {
    assertThat(dns.answer(new byte[] {1, 2, 3}, true)).isNull();
    assertThatThrownBy(() -> dns.a("x.example.com", "not-an-address")).isInstanceOf(IllegalArgumentException.class);
    dns.txt("after.example.com", "still serving");
    assertThat(txt(ask("after.example.com", Type.TXT))).containsExactly("still serving");
  }

  @Test
  void theReadmeShowsThisExample() throws IOException {
    // FAKE-DNS-BEGIN
    try (DnsFake dns = new DnsFake()) {
      dns.txt("_vercel.shop.example.com", "vc-domain-verify=shop.example.com,7f3a");
      dns.cname("www.shop.example.com", "cname.vercel-dns.com").a("cname.vercel-dns.com", "76.76.21.21");
      dns.fail("broken.example.com", DnsFake.Failure.SERVFAIL);
      // point the resolver under test at dns.address(), e.g. pluginConfig("cloudflare", Map.of(...,
      // "resolvers", List.of(dns.address()))); dns.queries() then lists what it asked, in order
      assertThat(dns.lookup("_vercel.shop.example.com", "TXT")).containsExactly("vc-domain-verify=shop.example.com,7f3a");
      assertThat(dns.queries()).isEmpty();
    }
    // FAKE-DNS-END
    ReadmeSnippets.assertShows(Path.of("README.md"), "## DnsFake",
        Path.of("src/test/java/dev/tenantwright/testkit/dns/DnsFakeTest.java"), "FAKE-DNS");
  }
}

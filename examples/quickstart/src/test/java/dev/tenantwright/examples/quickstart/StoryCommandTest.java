package dev.tenantwright.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code story} end to end: each user story of {@code examples/blueprints} runs in the sandbox on a fresh journal —
 * its environments READY, its failure rolled back with nothing left in the fakes, and what was made printed.
 */
class StoryCommandTest {

  @TempDir
  Path data;

  private String story(String name) {
    return QuickstartTest.run(0, "story", name, "--data", data.toString());
  }

  /** The part of the output after {@code from} (and before {@code to}, when given). */
  private static String section(String out, String from, String to) {
    int start = out.indexOf(from);
    assertThat(start).as(out).isNotNegative();
    int end = to == null ? out.length() : out.indexOf(to, start);
    return out.substring(start, end < 0 ? out.length() : end);
  }

  @Test
  void storyWithoutANameListsTheStoriesThatExist() {
    String out = QuickstartTest.run(0, "story");

    assertThat(out).contains("User stories (run one with: story NAME):")
        .containsPattern("vercel-site +Client site on Vercel")
        .containsPattern("erp-frappe +ERP site per signup")
        .containsPattern("erp-incus +ERP world per customer")
        .containsPattern("website +Website per customer")
        .containsPattern("merchant +Merchant activation");
  }

  @Test
  void anUnknownStoryIsRefusedNamingTheStoriesThatExist() {
    assertThat(QuickstartTest.run(2, "story", "florist", "--data", data.toString()))
        .contains("Unknown story 'florist': one of [vercel-site, erp-frappe, erp-incus, website, merchant]");
  }

  @Test
  void theMerchantStoryActivatesAShopWithOneWelcomeMailEnforcesThePlanAndSendsNoMailForAFailedActivation() {
    String out = story("merchant");

    assertThat(out).contains("Blueprint: examples/blueprints/merchant.yaml").contains("SANDBOX master-db")
        .containsPattern("SANDBOX mail +smtp://127.0.0.1:\\d+ \\(GreenMail")
        .doesNotContain("NOT AS EXPECTED").doesNotContain("Password:");
    assertThat(section(out, "Scene 1:", "Scene 2:"))
        .contains("Activation status: PENDING -> IN_PROGRESS -> COMPLETED")
        .contains("Workspace: Compose project globex-shop--live--workspace, container "
            + "globex-shop--live--workspace-api-1 running (PLAN=starter, THEME=boutique")
        .contains("Dashboard: https://admin-live.globex-shop.shops.example.com/ -> Traefik service "
            + "globex-shop--live--workspace-api@docker")
        .containsPattern("Storefront: Vercel project globex-shop--live--storefront, deployment dpl_\\w+ READY .*, built "
            + "from example-themes/theme-boutique@main with THEME=boutique, PLAN=starter")
        .contains("DNS: live.globex-shop.shops.example.com CNAME cname.vercel-dns.com")
        .contains("Default data recorded by the master database (webhook master-db, merchant.seeded): catalog starter, "
            + "theme boutique, plan starter, workspace globex-shop--live--workspace")
        .containsPattern("Welcome mail received by the SMTP server: to owner@globex-shop.example, subject \"Your Example "
            + "Shops shop is ready\", Message-ID <tw\\.\\w+@shops\\.example\\.com> \\(delivery sent\\)")
        .contains("the generated admin password is inside, not printed here");
    assertThat(section(out, "Scene 2:", "Scene 3:"))
        .contains("test-spring (theme minimal): READY, the one test instance the starter plan allows")
        .contains("A second one, test-summer: refused - quota: plan 'starter' allows 1 test instances; tenant "
            + "'globex-shop' has 1");
    assertThat(section(out, "Scene 3:", "Failure:"))
        .contains("Plan starter -> growth: update runs for [live, test-spring]")
        .containsPattern("live: update SUCCEEDED; workspace PLAN=growth, storefront PLAN=growth \\(new deployment "
            + "dpl_\\w+\\), default data plan=growth")
        .containsPattern("test-spring: update SUCCEEDED; workspace PLAN=growth, storefront PLAN=growth")
        .contains("test-summer: READY now (growth allows 3 test instances)");
    assertThat(section(out, "Failure:", "What was made:"))
        .contains("for initech-store/live ended ROLLED_BACK: step 'storefront-deploy' (vercel.deployment) failed")
        .contains("[BUILD_FAILED] Command \"npm run build\" exited with 1")
        .contains("step 9/9 welcome: skipped")
        .contains("Left in the sandbox for initech-store/live: nothing")
        .contains("Activation status: PENDING -> IN_PROGRESS -> ROLLBACK -> FAILED")
        .contains("Welcome mails sent for initech-store: 0 (the mail goes last)");
    assertThat(section(out, "What was made:", "Links"))
        .containsPattern("welcome +mail.message +CREATED +\\{messageId=<tw\\.\\w+@shops.example.com>, recipients=1, "
            + "delivery=sent}")
        .containsPattern("Mail received by the sandbox's SMTP server \\(sent mail cannot be unsent\\):\\n"
            + " +<tw\\.\\w+@shops\\.example\\.com> to owner@globex-shop\\.example \"Your Example Shops shop is ready\"\\n\\n");
    assertThat(section(out, "Links", null))
        .containsPattern("dashboard +https://admin-live.globex-shop.shops.example.com/")
        .contains("globex-shop/live, globex-shop/test-spring, globex-shop/test-summer are READY.")
        .contains("initech-store/live rolled back as intended");
  }

  @Test
  void theMerchantStoryRunAgainOnTheSameJournalPutsItsMerchantBackOnStarterFirst() {
    story("merchant");
    String again = story("merchant");

    assertThat(again).contains("Destroying globex-shop/live from an earlier run first")
        .contains("globex-shop is on growth from an earlier run: back to starter first")
        .contains("A second one, test-summer: refused - quota: plan 'starter' allows 1 test instances")
        .contains("globex-shop/live, globex-shop/test-spring, globex-shop/test-summer are READY.")
        .doesNotContain("NOT AS EXPECTED");
  }

  @Test
  void theVercelSiteStoryProvisionsTheClientSiteRedeploysItAndRollsBackAFailedBuild() {
    String out = story("vercel-site");

    assertThat(out).contains("Blueprint: examples/blueprints/vercel-site.yaml").contains("SANDBOX vercel")
        .contains("SANDBOX cloudflare").contains("step 3/8 deploy: ").contains("is BUILDING")
        .doesNotContain("NOT AS EXPECTED");
    assertThat(out).containsPattern("Vercel serves live.acme-shop.example.com from deployment dpl_\\w+")
        .containsPattern("was served by (dpl_\\w+) until dpl_\\w+ was READY; \\1 is kept for a rollback");
    assertThat(section(out, "Failure:", "What was made:"))
        .containsPattern("for acme-shop/test-broken ended ROLLED_BACK: step 'deploy' \\(vercel.deployment\\) failed")
        .contains("[BUILD_FAILED] Command \"npm run build\" exited with 1")
        .contains("Left in the sandbox for acme-shop/test-broken: nothing");
    assertThat(section(out, "What was made:", "Links")).containsPattern("live +LIVE +READY +blueprint vercel-site")
        .containsPattern("test-next +TEST +READY").containsPattern("test-broken +TEST +FAILED")
        .contains("vercel.project").contains("vercel.domain-check").contains("tls.certificate");
    assertThat(section(out, "Links", null))
        .containsPattern("deploy +https://acme-shop--live--site-\\w+\\.vercel\\.app/")
        .containsPattern("dns +DNS CNAME live.acme-shop.example.com -> \\w+\\.vercel-dns-017\\.com")
        .contains("acme-shop/live, acme-shop/test-next are READY.")
        .contains("acme-shop/test-broken rolled back as intended");
  }

  @Test
  void theErpFrappeStoryMakesTheSiteOfASignupOnceAndDropsTheSiteOfAFailedOne() {
    String out = story("erp-frappe");

    assertThat(out).contains("Blueprint: examples/blueprints/erp-frappe.yaml").contains("SANDBOX frappe")
        .contains("SANDBOX master-db")
        .doesNotContain("NOT AS EXPECTED");
    assertThat(out).contains("Bench site acme.erp.example.com: apps [frappe, erpnext], first user ops@acme.example "
        + "(System Manager), scheduler on")
        .containsPattern("Registered in the host's master database \\(signed webhook master-db\\): acme/live -> "
            + "https://acme.erp.example.com, API key \\w+ ")
        .containsPattern("Tenant 'acme', run (\\w+) \\(the first signup's run: \\1\\); the bench holds "
            + "\\[acme.erp.example.com\\]")
        .contains("Refused, as the sign-up page would say it: the e-mail is already registered to another tenant");
    assertThat(section(out, "Failure:", "What was made:"))
        .contains("for globex/live ended ROLLED_BACK: step 'register' (webhook.call) failed")
        .contains("webhook 'master-db' answered 409 to tenant.registered")
        .contains("step 3/4 site: deleted")
        .contains("Left in the sandbox for globex/live: nothing");
    assertThat(section(out, "What was made:", null)).containsPattern("register +webhook.call +CREATED")
        .containsPattern("Globex Corporation \\(globex\\):\\n +live +LIVE +FAILED")
        .contains("site             https://acme.erp.example.com")
        .contains("acme/live is READY.").contains("globex/live rolled back as intended");
  }

  @Test
  void theErpIncusStoryResetsOneTestInstanceAndPromotesTheOtherToLive() {
    String out = story("erp-incus");

    assertThat(out).contains("Blueprint: examples/blueprints/erp-incus.yaml").contains("SANDBOX incus")
        .doesNotContain("NOT AS EXPECTED");
    assertThat(out).containsPattern("demo: container abc-corporation--demo--erp Running, CUSTOMER_ID=abc-corporation, "
            + "snapshots \\[tw-baseline\\], http://127.0.0.1:\\d+/")
        .contains("test instances: [test-qa, test-upgrade]")
        .contains("before: user.qa.orders=42 test orders").contains("after:  user.qa.orders=null")
        .contains("queued reset of test-qa").contains("queued promote of live")
        .contains("live: limits.memory=512MiB, the same container abc-corporation--live--erp");
    assertThat(section(out, "Failure:", "What was made:"))
        .contains("for abc-corporation/test-broken ended ROLLED_BACK: step 'erp' (incus.instance) failed")
        .contains("No space left on device")
        .contains("Left in the sandbox for abc-corporation/test-broken: nothing");
    assertThat(section(out, "Links", null)).containsPattern("erp +http://127.0.0.1:\\d+/")
        .contains("abc-corporation/demo, abc-corporation/live, abc-corporation/test-qa, abc-corporation/test-upgrade "
            + "are READY.");
  }

  @Test
  void theWebsiteStoryGivesOneCustomerTwoSitesWithRepositoriesRedeploysAPushAndRollsBackAnUnhealthyOne() {
    String out = story("website");

    assertThat(out).contains("Blueprint: examples/blueprints/website-compose.yaml").contains("SANDBOX compose")
        .contains("SANDBOX traefik").contains("SANDBOX cloudflare").contains("SANDBOX github")
        .doesNotContain("NOT AS EXPECTED");
    assertThat(out).contains("sites of acme-shop: [blog, shop]")
        .contains("shop-live: https://shop-live.acme-shop.example.com/ -> container acme-shop--shop-live--site-web-1 "
            + "healthy")
        .containsPattern("shop-live: repository tenantwright-sites/acme-shop--shop-live--repo \\(private true, from "
            + "tenantwright-templates/site-ecommerce\\), push webhook \\[http://127.0.0.1:\\d+/hooks/github/acme-shop/"
            + "shop-live\\] signed with the environment's generated secret")
        .contains("from tenantwright-templates/site-blog")
        .contains("a delivery signed with another secret: HTTP 401")
        .containsPattern("shop-live runs revision [0-9a-f]{40} \\(container generation 1 -> 2")
        .contains("blog-live destroyed: repository tenantwright-sites/acme-shop--blog-live--repo deleted; "
            + "shop's repository tenantwright-sites/acme-shop--shop-live--repo kept");
    assertThat(section(out, "Failure:", "What was made:"))
        .contains("for acme-shop/shop-test-broken ended ROLLED_BACK: step 'site' (compose.project) failed")
        .contains("is unhealthy")
        .contains("Left in the sandbox for acme-shop/shop-test-broken: nothing");
    assertThat(section(out, "Links", null))
        .containsPattern("site +https://shop-live.acme-shop.example.com/ +\\(published on http://127.0.0.1:\\d+/\\)")
        .contains("www              https://www.shop-live.acme-shop.example.com/")
        .contains("dns              DNS A shop-live.acme-shop.example.com -> 203.0.113.10")
        .contains("acme-shop/shop-live is READY.");
  }

  @Test
  void aStoryRunAgainOnTheSameJournalDestroysWhatTheFirstLeftAndEndsReadyAgain() {
    story("erp-incus");
    String again = story("erp-incus");

    assertThat(again).contains("Destroying abc-corporation/live from an earlier run first")
        .contains("Destroying abc-corporation/test-broken from an earlier run first")
        .contains("Left in the sandbox for abc-corporation/test-broken: nothing")
        .contains("abc-corporation/test-qa, abc-corporation/test-upgrade are READY.");
  }

  @Test
  void storiesRunInTheSandboxOnly() {
    assertThat(QuickstartTest.run(2, "story", "erp-incus", "--config", data.resolve("tw.yaml").toString()))
        .contains("Stories run in the sandbox: drop --config");
  }
}

package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"acme", "acme-web_1", "0day", "a"})
  void acceptsValidComposeProjectNames(String name) {
    assertThat(Names.composeProject("project", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Acme", "-acme", "_acme", "acme.web", "acme web"})
  void refusesInvalidComposeProjectNamesNamingTheField(String name) {
    assertThatThrownBy(() -> Names.composeProject("project", name))
        .isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("field 'project': \"" + name + "\" is not a valid Compose project name");
  }

  @Test
  void refusesMissingNames() {
    assertThatThrownBy(() -> Names.dnsLabel("subdomain", null)).hasMessage("field 'subdomain': must not be empty");
    assertThatThrownBy(() -> Names.vercelProject("name", "")).hasMessage("field 'name': must not be empty");
  }

  @Test
  void checksDnsLabelsForCharactersHyphensAndLength() {
    assertThat(Names.dnsLabel("subdomain", "acme-shop")).isEqualTo("acme-shop");
    assertThat(Names.dnsLabel("subdomain", "a".repeat(63))).hasSize(63);
    assertThatThrownBy(() -> Names.dnsLabel("subdomain", "a".repeat(64)))
        .hasMessage("field 'subdomain': \"" + "a".repeat(64) + "\" is 64 characters long; a DNS label has at most 63");
    assertThatThrownBy(() -> Names.dnsLabel("subdomain", "acme-")).hasMessageContaining("not a valid DNS label");
    assertThatThrownBy(() -> Names.dnsLabel("subdomain", "ACME")).hasMessageContaining("lowercase");
  }

  @Test
  void checksHostNamesLabelByLabel() {
    assertThat(Names.hostname("domain", "shop.acme.example.com")).isEqualTo("shop.acme.example.com");
    assertThatThrownBy(() -> Names.hostname("domain", "shop..example.com")).hasMessageContaining("label ''");
    assertThatThrownBy(() -> Names.hostname("domain", "*.example.com")).hasMessageContaining("label '*'");
    assertThatThrownBy(() -> Names.hostname("domain", "example.com.")).hasMessageContaining("not a valid host name");
    assertThatThrownBy(() -> Names.hostname("domain", ("a".repeat(60) + ".").repeat(5) + "com"))
        .hasMessageContaining("at most 253");
  }

  @Test
  void checksVercelProjectNames() {
    assertThat(Names.vercelProject("name", "acme.site_v2-web")).isEqualTo("acme.site_v2-web");
    assertThatThrownBy(() -> Names.vercelProject("name", "acme---web")).hasMessageContaining("'---'");
    assertThatThrownBy(() -> Names.vercelProject("name", "Acme")).hasMessageContaining("lowercase");
    assertThatThrownBy(() -> Names.vercelProject("name", "a".repeat(101))).hasMessageContaining("at most 100");
  }

  @Test
  void sec14_aVercelProjectNameOrIdIsNeverADotSegment() {
    assertThatThrownBy(() -> Names.vercelProject("name", "..")).hasMessageContaining("'.' or '..'");
    assertThatThrownBy(() -> Names.vercelProject("name", ".")).hasMessageContaining("'.' or '..'");
    assertThat(Names.vercelProjectIdOrName("project", "prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB"))
        .isEqualTo("prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB");
    assertThat(Names.vercelProjectIdOrName("project", "acme-live-site")).isEqualTo("acme-live-site");
    for (String bad : new String[] {"..", "../../v2/user", "prj_a/b", "acme site", "prj_a b"}) {
      assertThatThrownBy(() -> Names.vercelProjectIdOrName("project", bad)).as(bad)
          .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'project': ");
    }
  }

  @Test
  void checksIncusInstanceNames() {
    assertThat(Names.incusInstance("instance", "Acme-erp-1")).isEqualTo("Acme-erp-1");
    assertThatThrownBy(() -> Names.incusInstance("instance", "1acme")).hasMessageContaining("starting with a letter");
    assertThatThrownBy(() -> Names.incusInstance("instance", "acme_erp")).hasMessageContaining("not a valid Incus instance name");
  }

  @Test
  void checksEnvironmentVariableNames() {
    assertThat(Names.envVarName("env", "DB_PASSWORD")).isEqualTo("DB_PASSWORD");
    assertThatThrownBy(() -> Names.envVarName("env", "1X")).hasMessage(
        "field 'env': \"1X\" is not a valid environment variable name: use letters, digits and '_', not starting with a digit");
    assertThatThrownBy(() -> Names.envVarName("env", "A-B")).isInstanceOf(PermanentException.class);
  }

  @Test
  void checksGitHubRepositoryNamesInsteadOfLettingGitHubRenameThem() {
    assertThat(Names.githubRepository("name", "Acme.site_v2-web")).isEqualTo("Acme.site_v2-web");
    assertThatThrownBy(() -> Names.githubRepository("name", "acme site")).isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("field 'name': \"acme site\" is not a valid GitHub repository name");
    assertThatThrownBy(() -> Names.githubRepository("name", "a".repeat(101))).hasMessageContaining("at most 100");
    assertThatThrownBy(() -> Names.githubRepository("name", "..")).hasMessageContaining("'.' or '..'");
    assertThatThrownBy(() -> Names.githubRepository("name", "site.GIT")).hasMessageContaining("'.git'");
  }

  @Test
  void checksGitHubAccountNames() {
    assertThat(Names.githubOwner("owner", "acme-sites")).isEqualTo("acme-sites");
    for (String bad : new String[] {"-acme", "acme-", "ac--me", "ac_me", "a".repeat(40), "acme/sites"}) {
      assertThatThrownBy(() -> Names.githubOwner("owner", bad)).as(bad).isInstanceOf(PermanentException.class)
          .hasMessageStartingWith("field 'owner': ");
    }
  }
}

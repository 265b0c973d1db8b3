package dev.tenantwright.plugin.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Placeholders are filled once, escaped for HTML only, and refused with the field and placeholder named. */
class TemplatesTest {

  @Test
  void aDoubledDollarWritesALiteralPlaceholder() {
    assertThat(Templates.withValues("body", "cost: $${price} for ${name}", Map.of("name", "ACME"), false))
        .isEqualTo("cost: ${price} for ACME");
  }

  @Test
  void valuesAreFilledOnceAndEscapedOnlyForHtml() {
    Map<String, String> values = Map.of("a", "${b}", "b", "<i>&'\"");
    assertThat(Templates.withValues("body", "${a} ${b}", values, false)).isEqualTo("${b} <i>&'\"");
    assertThat(Templates.withValues("html", "<p>${b}</p>", values, true))
        .isEqualTo("<p>&lt;i&gt;&amp;&#39;&quot;</p>");
  }

  @Test
  void checkListsThePlaceholdersAndRefusesWhatIsNotAllowed() {
    assertThat(Templates.check("body", "${a} ${secret:pw}", Set.of("a"), List.of("pw"), true))
        .extracting(Object::toString).containsExactly("${a}", "${secret:pw}");
    assertThatThrownBy(() -> Templates.check("body", "Hello ${name", Set.of("name"), List.of(), true))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'body'").hasMessageContaining("not closed");
    assertThatThrownBy(() -> Templates.check("body", "${a b}", Set.of(), List.of(), true))
        .isInstanceOf(PermanentException.class).hasMessageContaining("is not a placeholder");
    assertThatThrownBy(() -> Templates.check("body", "${secret:}", Set.of(), List.of(), true))
        .isInstanceOf(PermanentException.class).hasMessageContaining("secret's name");
  }
}

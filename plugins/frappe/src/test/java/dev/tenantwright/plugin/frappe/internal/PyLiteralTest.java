package dev.tenantwright.plugin.frappe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PyLiteralTest {

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(PyLiteral.str("a@b.example")).isEqualTo("'a@b.example'");
    assertThat(PyLiteral.str("it's")).isEqualTo("'it\\'s'");
    assertThat(PyLiteral.str("back\\slash")).isEqualTo("'back\\\\slash'");
    assertThat(PyLiteral.str("a\nb\u0001")).isEqualTo("'a\\nb\\x01'");
    assertThat(PyLiteral.str("'); __import__('os').system('id') #")).startsWith("'\\'); __import__(\\'os\\')");
  }
}

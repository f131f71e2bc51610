package dev.roundtrip.app.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserInputTest {
    @Test
    void normalisesNameAndEmail() {
        UserInput input = new UserInput("  Ada Lovelace ", " Ada@Example.COM ");
        assertThat(input.name()).isEqualTo("Ada Lovelace");
        assertThat(input.email()).isEqualTo("ada@example.com");
    }

    @Test
    void namesTheFieldAtFault() {
        assertField(null, "a@b.example", "name");
        assertField("", "a@b.example", "name");
        assertField("x".repeat(UserInput.MAX_NAME_CHARS + 1), "a@b.example", "name");
        assertField("line\nbreak", "a@b.example", "name");
        assertField("Ada", null, "email");
        assertField("Ada", "ada", "email");
        assertField("Ada", "ada@", "email");
        assertField("Ada", "@example.com", "email");
        assertField("Ada", "a b@example.com", "email");
        assertField("Ada", "a@@example.com", "email");
        assertField("Ada", "a@example.", "email");
        assertField("Ada", "a@" + "x".repeat(250) + ".com", "email");
        assertThat(new UserInput("x".repeat(UserInput.MAX_NAME_CHARS), "a@b.example").name()).hasSize(UserInput.MAX_NAME_CHARS);
    }

    private static void assertField(String name, String email, String field) {
        assertThatThrownBy(() -> new UserInput(name, email)).isInstanceOf(InvalidUserException.class)
                .extracting(e -> ((InvalidUserException) e).field()).isEqualTo(field);
    }
}

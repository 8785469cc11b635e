package dev.jvirtio.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.OptionalInt;

/** Jackson tree-model helpers: the commands build {@link ObjectNode}s and print them indented. */
final class Json {
    private Json() {
    }

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serialises; failing here would be a Jackson bug.
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }

    static void putOptional(ObjectNode o, String field, Optional<String> value) {
        if (value.isPresent()) {
            o.put(field, value.get());
        } else {
            o.putNull(field);
        }
    }

    static void putOptional(ObjectNode o, String field, OptionalInt value) {
        if (value.isPresent()) {
            o.put(field, value.getAsInt());
        } else {
            o.putNull(field);
        }
    }
}

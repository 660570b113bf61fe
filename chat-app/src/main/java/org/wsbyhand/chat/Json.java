package org.wsbyhand.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON reading and writing both chat protocols share. */
final class Json {

    /**
     * Strict about what clients send: trailing data after the object and duplicate keys are
     * malformed (a duplicate "text" could otherwise smuggle a value past a reader that keeps the
     * first one). Nesting is capped well below Jackson's default since a post is one flat object.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** A new, empty object node. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a client message into a JSON object, or fails with the error the client gets. */
    static JsonNode parseObject(String message) throws ChatInputException {
        JsonNode node;
        try {
            node = MAPPER.readTree(message);
        } catch (JsonProcessingException e) {
            throw new ChatInputException(ErrorCode.MALFORMED_JSON, "message is not valid JSON");
        }
        if (node == null || node.isMissingNode()) {
            throw new ChatInputException(ErrorCode.MALFORMED_JSON, "message is not valid JSON");
        }
        if (!node.isObject()) {
            throw new ChatInputException(ErrorCode.BAD_SHAPE, "message must be a JSON object");
        }
        return node;
    }

    /** The string value of a required field, or a {@code bad_shape} error. */
    static String requiredString(JsonNode object, String field) throws ChatInputException {
        JsonNode value = object.get(field);
        if (value == null || !value.isTextual()) {
            throw new ChatInputException(ErrorCode.BAD_SHAPE, "field \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    /** Writes a tree as JSON text. */
    static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            // Trees built from strings and numbers always serialize; anything else is a bug here.
            throw new IllegalStateException("cannot write JSON tree", e);
        }
    }
}

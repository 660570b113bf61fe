package org.wsbyhand.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The course's protocol, subprotocol {@code json}, unchanged so the course's front end works
 * against this server. A client sends {@code {"user": "...", "text": "..."}} (other fields are
 * ignored); on connect and after every accepted message the server sends the whole history,
 * {@code {"msg": [{"user": "...", "text": "...", "time": <epoch ms>}, ...]}}, newest first.
 * Errors are {@code {"error": "<code>", "message": "..."}}; the course's page ignores them (it
 * only reads {@code msg}). There is no presence message.
 */
final class JsonProtocol implements ChatProtocol {

    /** The subprotocol name. */
    static final String NAME = "json";

    static final JsonProtocol INSTANCE = new JsonProtocol();

    private JsonProtocol() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputRules.Post parsePost(String message, InputRules rules) throws ChatInputException {
        JsonNode object = Json.parseObject(message);
        String user = Json.requiredString(object, "user");
        String text = Json.requiredString(object, "text");
        return rules.validate(user, text);
    }

    @Override
    public String history(List<ChatMessage> newestFirst) {
        ObjectNode root = Json.object();
        ArrayNode msg = root.putArray("msg");
        for (ChatMessage m : newestFirst) {
            msg.addObject().put("user", m.user()).put("text", m.text()).put("time", m.time());
        }
        return Json.write(root);
    }

    @Override
    public String delivered(ChatMessage message, List<ChatMessage> newestFirst) {
        return history(newestFirst);
    }

    @Override
    public String error(ChatError error) {
        ObjectNode root = Json.object();
        root.put("error", error.code().wireName());
        root.put("message", error.message());
        return Json.write(root);
    }

    @Override
    public Optional<String> presence(int online) {
        return Optional.empty();
    }
}

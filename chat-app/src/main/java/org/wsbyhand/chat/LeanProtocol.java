package org.wsbyhand.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The lean protocol of our own front end, subprotocol {@code chat.v2}: every message is a JSON
 * object with a {@code type}. The history is sent once, then only what is new.
 *
 * <pre>
 * client -&gt; server  {"type":"post","user":"ada","text":"hi"}
 * server -&gt; client  {"type":"history","messages":[{"id":1,"user":"ada","text":"hi","time":1700000000000}, ...]}  oldest first, once
 *                   {"type":"message","id":2,"user":"bob","text":"hello","time":1700000001000}
 *                   {"type":"presence","online":2}
 *                   {"type":"error","code":"text_too_long","message":"text is longer than 500 characters"}
 * </pre>
 */
final class LeanProtocol implements ChatProtocol {

    /** The subprotocol name. */
    static final String NAME = "chat.v2";

    static final LeanProtocol INSTANCE = new LeanProtocol();

    private LeanProtocol() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputRules.Post parsePost(String message, InputRules rules) throws ChatInputException {
        JsonNode object = Json.parseObject(message);
        String type = Json.requiredString(object, "type");
        if (!type.equals("post")) {
            throw new ChatInputException(ErrorCode.BAD_SHAPE, "unknown message type; send \"post\"");
        }
        String user = Json.requiredString(object, "user");
        String text = Json.requiredString(object, "text");
        return rules.validate(user, text);
    }

    @Override
    public String history(List<ChatMessage> newestFirst) {
        ObjectNode root = Json.object();
        root.put("type", "history");
        ArrayNode messages = root.putArray("messages");
        // Oldest first: a client appends them in order, as it appends each new message later.
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            fill(messages.addObject(), newestFirst.get(i));
        }
        return Json.write(root);
    }

    @Override
    public String delivered(ChatMessage message, List<ChatMessage> newestFirst) {
        ObjectNode root = Json.object();
        root.put("type", "message");
        fill(root, message);
        return Json.write(root);
    }

    @Override
    public String error(ChatError error) {
        ObjectNode root = Json.object();
        root.put("type", "error");
        root.put("code", error.code().wireName());
        root.put("message", error.message());
        return Json.write(root);
    }

    @Override
    public Optional<String> presence(int online) {
        ObjectNode root = Json.object();
        root.put("type", "presence");
        root.put("online", online);
        return Optional.of(Json.write(root));
    }

    private static void fill(ObjectNode node, ChatMessage m) {
        node.put("id", m.id()).put("user", m.user()).put("text", m.text()).put("time", m.time());
    }
}

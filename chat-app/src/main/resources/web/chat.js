// Chat With Me front end. Speaks the lean "chat.v2" protocol when the server agrees, else the
// course's "json" protocol. Everything from the server is shown with textContent, never parsed as HTML.
"use strict";

(() => {
  const LEAN = "chat.v2";
  const JSON_PROTOCOL = "json";
  const MAX_BACKOFF_MS = 10000;

  const presence = document.getElementById("presence-indicator");
  const status = document.getElementById("status");
  const msgs = document.getElementById("msgs");
  const errorBox = document.getElementById("error");
  const form = document.getElementById("chat");
  const userInput = document.getElementById("user");
  const textInput = document.getElementById("text");

  let ws = null;
  let attempt = 0;
  let reconnectTimer = null;
  let errorTimer = null;
  let shownIds = new Set();
  let pendingText = null;

  userInput.value = localStorage.getItem("chat.user") || "";

  function socketUrl() {
    // The page and the WebSocket endpoint share one origin; a page opened from disk uses the default port.
    const host = location.host || "localhost:8080";
    return (location.protocol === "https:" ? "wss://" : "ws://") + host + "/";
  }

  function setConnected(connected, detail) {
    presence.textContent = connected ? "🟢" : "🔴";
    const label = connected ? "connected" : "disconnected";
    presence.title = label;
    presence.setAttribute("aria-label", label);
    status.textContent = detail;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const socket = new WebSocket(socketUrl(), [LEAN, JSON_PROTOCOL]);
    ws = socket;
    socket.addEventListener("open", () => {
      attempt = 0;
      setConnected(true, "connected");
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return; // the server only sends JSON; ignore anything else
      }
      if (socket.protocol === LEAN) {
        onLean(data);
      } else {
        onJson(data);
      }
    });
    socket.addEventListener("close", (event) => {
      if (ws !== socket) {
        return;
      }
      ws = null;
      scheduleReconnect(event.code);
    });
  }

  function scheduleReconnect(code) {
    // Exponential backoff with jitter, so a restarted server is not hit by every tab at once.
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    attempt++;
    setConnected(false, `disconnected (${code}), retrying in ${Math.ceil(delay / 1000)} s`);
    reconnectTimer = setTimeout(connect, delay);
  }

  window.addEventListener("online", () => {
    if (ws === null) {
      attempt = 0;
      connect();
    }
  });

  // chat.v2: {"type": "history" | "message" | "presence" | "error", ...}
  function onLean(data) {
    switch (data.type) {
      case "history":
        msgs.replaceChildren();
        shownIds = new Set();
        data.messages.forEach(append);
        scrollToEnd(true);
        break;
      case "message":
        append(data);
        scrollToEnd(false);
        break;
      case "presence":
        status.textContent = `connected · ${data.online} online`;
        break;
      case "error":
        showError(data.message);
        break;
    }
  }

  // json (the course's protocol): {"msg": [newest first]} or {"error": code, "message": text}
  function onJson(data) {
    if (Array.isArray(data.msg)) {
      msgs.replaceChildren();
      shownIds = new Set();
      data.msg.slice().reverse().forEach(append);
      scrollToEnd(false);
    } else if (data.error) {
      showError(data.message || data.error);
    }
  }

  function append(message) {
    if (typeof message.id === "number") {
      if (shownIds.has(message.id)) {
        return; // already shown
      }
      shownIds.add(message.id);
    }
    const li = document.createElement("li");
    const meta = document.createElement("div");
    meta.className = "meta";
    const user = document.createElement("span");
    user.className = "user";
    user.textContent = message.user;
    const time = document.createElement("time");
    time.className = "time";
    const when = new Date(message.time);
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    meta.append(user, time);
    li.append(meta, text);
    msgs.append(li);
    if (pendingText !== null && message.text === pendingText && message.user === userInput.value.trim()) {
      pendingText = null;
    }
  }

  function scrollToEnd(force) {
    const nearEnd = msgs.scrollHeight - msgs.scrollTop - msgs.clientHeight < 80;
    if (force || nearEnd) {
      msgs.scrollTop = msgs.scrollHeight;
    }
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => { errorBox.hidden = true; }, 6000);
    if (pendingText !== null && textInput.value === "") {
      textInput.value = pendingText; // the message was refused: give the text back
    }
    pendingText = null;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const user = userInput.value.trim();
    const text = textInput.value.trim();
    if (!user || !text) {
      showError(!user ? "Please enter your name." : "Please type a message.");
      return;
    }
    if (ws === null || ws.readyState !== WebSocket.OPEN) {
      showError("Not connected yet, please wait a moment.");
      return;
    }
    localStorage.setItem("chat.user", user);
    const payload = ws.protocol === LEAN ? { type: "post", user, text } : { user, text };
    ws.send(JSON.stringify(payload));
    pendingText = text;
    textInput.value = "";
    textInput.focus();
  });

  connect();
})();

/*
 * Mentorwijzer chat widget: one <script> tag, plain JavaScript, no build step, nothing from a CDN.
 *
 *   <script src="https://<service>/widget/widget.js" data-server-url="https://<rasa>" defer></script>
 *
 * Options (data-attributes, or window.MentorwijzerWidget.init({...}) after <script data-manual="true">):
 * server-url (Rasa's socket.io server, required), socket-path, title, subtitle, primary-color (#hex),
 * opening-message, privacy-url, open-on-load, position (left|right).
 *
 * Every option and every message is untrusted text: it is inserted with textContent, never as HTML.
 * The UI lives in a shadow root so the host site's CSS cannot break it (nor ours theirs).
 */
(function () {
  "use strict";

  if (window.MentorwijzerWidget && window.MentorwijzerWidget.version) {
    return; // the tag was included twice
  }

  var currentScript = document.currentScript;
  // widget.css and socket.io.min.js are served next to this file.
  var ASSET_BASE = currentScript && currentScript.src ? currentScript.src.replace(/[^/]*$/, "") : "";

  var REPLY_TIMEOUT_MS = 20000; // no bot_done after this long: say so instead of typing forever
  var HISTORY_WAIT_MS = 2000; // a server that sends no history must not hold back queued messages
  var MAX_MESSAGE_CHARS = 2000; // the server's cap (MAX_MESSAGE_CHARS)

  var TEXT = {
    open: "Open de chat",
    close: "Chat sluiten",
    conversation: "Gesprek",
    inputLabel: "Je bericht",
    placeholder: "Typ je bericht…",
    send: "Versturen",
    typing: "Mentorwijzer is aan het typen…",
    quickReplies: "Kies een antwoord (of typ het nummer)",
    connecting: "Verbinden…",
    offline: "Geen verbinding met de chat. We proberen het automatisch opnieuw; wat je typt, bewaren we en versturen we zodra het weer lukt.",
    retry: "Nu opnieuw proberen",
    pending: "Nog niet verstuurd: wacht op verbinding",
    noReply: "Sorry, het antwoord blijft uit. Probeer het zo nog eens; je kunt je bericht gewoon opnieuw typen.",
    configError: "Deze chat is niet goed ingesteld: het adres van de chatserver ontbreekt of klopt niet.",
    loadError: "De chat kon niet worden geladen. Herlaad de pagina om het opnieuw te proberen.",
    privacyTitle: "Voor je begint",
    privacyBody: "We bewaren dit gesprek, zodat we je goed kunnen helpen en het gesprek blijft staan als je de pagina herlaadt. In je browser bewaren we daarvoor alleen een sessiecode. Je contactgegevens bewaren we alleen als je zelf om een mentor vraagt en daar toestemming voor geeft.",
    privacyForget: "Typ op elk moment \u201cvergeet mij\u201d en we wissen alles: dit gesprek en een eventuele aanvraag.",
    privacyLink: "Lees onze privacyverklaring",
    start: "Start het gesprek",
    telegram: "Verder op Telegram",
    telegramBusy: "Link wordt gemaakt…",
    telegramIntro: "Ga verder op Telegram, waar we gebleven waren:",
    telegramOpen: "Open het gesprek in Telegram",
    newWindow: " (opent in een nieuw venster)",
    imageAlt: "Afbeelding van Mentorwijzer"
  };

  var DEFAULTS = {
    serverUrl: "",
    socketPath: "/socket.io/",
    title: "Mentorwijzer",
    subtitle: "",
    primaryColor: "#1f6f5c",
    openingMessage: "Hoi! Ik help je kiezen tussen training, coaching en mentoring. Vertel eens in je eigen woorden: wat wil je ontwikkelen?",
    privacyUrl: "",
    openOnLoad: false,
    position: "right"
  };

  // --- options: everything from the host page is untrusted ------------------------------------

  function httpUrl(value) {
    if (typeof value !== "string" || !value.trim()) return null;
    try {
      var url = new URL(value.trim(), document.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  function shortText(value, max, fallback) {
    if (typeof value !== "string") return fallback;
    var text = value.replace(/\s+/g, " ").trim();
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function truthy(value) {
    if (typeof value === "boolean") return value;
    return typeof value === "string" && /^(|true|1|ja|yes)$/i.test(value.trim());
  }

  function optionsFrom(raw) {
    var server = httpUrl(raw.serverUrl);
    var privacy = httpUrl(raw.privacyUrl);
    var path = typeof raw.socketPath === "string" && /^\/[A-Za-z0-9._~\/-]*$/.test(raw.socketPath)
      ? raw.socketPath : DEFAULTS.socketPath;
    var color = typeof raw.primaryColor === "string" && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(raw.primaryColor.trim())
      ? raw.primaryColor.trim() : DEFAULTS.primaryColor;
    return {
      // socket.io reads a path in the URL as a namespace: only the origin goes there.
      serverUrl: server ? server.origin : null,
      socketPath: path,
      title: shortText(raw.title, 60, DEFAULTS.title) || DEFAULTS.title,
      subtitle: shortText(raw.subtitle, 120, DEFAULTS.subtitle),
      primaryColor: color,
      openingMessage: typeof raw.openingMessage === "string"
        ? raw.openingMessage.trim().slice(0, 500) : DEFAULTS.openingMessage,
      privacyUrl: privacy ? privacy.href : null,
      openOnLoad: raw.openOnLoad === undefined ? false : truthy(raw.openOnLoad),
      position: raw.position === "left" ? "left" : "right"
    };
  }

  function optionsFromScript(tag) {
    var raw = {};
    if (!tag) return raw;
    var data = tag.dataset;
    ["serverUrl", "socketPath", "title", "subtitle", "primaryColor", "openingMessage", "privacyUrl",
      "openOnLoad", "position"].forEach(function (key) {
      if (data[key] !== undefined) raw[key] = data[key];
    });
    return raw;
  }

  // --- small helpers ---------------------------------------------------------------------------

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function svgIcon(paths) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  var ICONS = {
    chat: ["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"],
    close: ["M6 6l12 12M18 6L6 18"],
    send: ["M3 20l18-8L3 4v6l12 2-12 2z"]
  };

  var storage = {
    get: function (area, key) {
      try { return window[area].getItem(key); } catch (e) { return null; }
    },
    set: function (area, key, value) {
      try { window[area].setItem(key, value); } catch (e) { /* storage blocked: works for this page only */ }
    },
    remove: function (area, key) {
      try { window[area].removeItem(key); } catch (e) { /* idem */ }
    }
  };

  // Readable text on the chosen colour (WCAG relative luminance).
  function textColourOn(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return luminance > 0.4 ? "#1a1a1a" : "#ffffff";
  }

  // --- bot text: line breaks and bullets stay (CSS pre-wrap), URLs become safe links --------------

  // Full http(s) URLs, and bare domains on the TLDs our texts use ("113.nl", "zelfmoord1813.be").
  var LINK = /\bhttps?:\/\/[^\s<>"'()]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:nl|be|com|org|net|eu|info)\b(?:\/[^\s<>"'()]*)?/gi;
  var TRAILING = /[.,;:!?'"\u2019\u201d]+$/;

  function safeLink(href, label) {
    var url = httpUrl(href);
    if (!url || !/^https?:\/\//i.test(href)) return null;
    var link = el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: label });
    link.appendChild(el("span", { className: "mw-sr", text: TEXT.newWindow }));
    return link;
  }

  function appendRichText(container, text) {
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var found = match[0];
      var start = match.index;
      var before = start > 0 ? text.charAt(start - 1) : "";
      // Part of an e-mail address or of a longer path: leave it as text.
      if (before === "@" || before === "." || before === "/" || before === "-") continue;
      var trail = TRAILING.exec(found);
      if (trail) found = found.slice(0, found.length - trail[0].length);
      var href = /^https?:\/\//i.test(found) ? found : "https://" + found;
      var link = safeLink(href, found);
      if (!link) continue;
      container.appendChild(document.createTextNode(text.slice(last, start)));
      container.appendChild(link);
      last = start + found.length;
      LINK.lastIndex = last;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function buttonsOf(message) {
    // Our channel sends `buttons`; Rasa's stock socket.io channel sends `quick_replies`.
    var list = Array.isArray(message.buttons) ? message.buttons
      : Array.isArray(message.quick_replies) ? message.quick_replies : [];
    return list.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) {
      return { title: b.title, payload: b.payload };
    });
  }

  // --- the widget --------------------------------------------------------------------------------

  function Widget(options) {
    this.options = options;
    var scope = "mentorwijzer:v1:" + (options.serverUrl || "-") + options.socketPath;
    this.keys = { session: scope + ":session", privacy: scope + ":privacy", open: scope + ":open" };
    this.socket = null;
    this.confirmed = false;
    this.pending = []; // [{text, node}] typed while offline; sent after session_confirm + history
    this.awaiting = 0; // user messages without bot_done yet
    this.replyTimer = null;
    this.historyTimer = null;
    this.build();
  }

  Widget.prototype.build = function () {
    var o = this.options;
    var host = el("div", { id: "mentorwijzer-widget", "data-mentorwijzer": "" });
    host.style.setProperty("--mw-primary", o.primaryColor);
    host.style.setProperty("--mw-on-primary", textColourOn(o.primaryColor));
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    this.host = host;
    this.rootNode = root;

    var stylesheet = el("link", { rel: "stylesheet", href: ASSET_BASE + "widget.css" });
    var frame = el("div", { className: "mw-root mw-" + o.position, "data-connection": "idle", "data-busy": "false" });
    frame.style.visibility = "hidden"; // until our CSS is in: no flash of unstyled widget
    var reveal = function () { frame.style.visibility = ""; };
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
    this.frame = frame;

    this.bubble = el("button", {
      type: "button", className: "mw-bubble", "aria-expanded": "false", "aria-controls": "mw-panel",
      "aria-label": TEXT.open + ": " + o.title
    }, [svgIcon(ICONS.chat)]);

    this.closeButton = el("button", { type: "button", className: "mw-close", "aria-label": TEXT.close },
      [svgIcon(ICONS.close)]);
    var header = el("header", { className: "mw-header" }, [
      el("div", { className: "mw-heading" }, [
        el("h2", { id: "mw-title", className: "mw-title", text: o.title }),
        o.subtitle ? el("p", { className: "mw-subtitle", text: o.subtitle }) : null
      ]),
      this.closeButton
    ]);

    this.status = el("div", { className: "mw-status", role: "status", hidden: true });
    this.privacy = this.buildPrivacyNote();
    this.log = el("div", {
      className: "mw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": TEXT.conversation, tabindex: "0"
    });
    this.typing = el("div", { className: "mw-typing", hidden: true }, [
      el("span", { className: "mw-dot", "aria-hidden": "true" }),
      el("span", { className: "mw-dot", "aria-hidden": "true" }),
      el("span", { className: "mw-dot", "aria-hidden": "true" }),
      el("span", { className: "mw-sr", text: TEXT.typing })
    ]);
    this.replies = el("div", { className: "mw-replies", role: "group", "aria-label": TEXT.quickReplies, hidden: true });

    this.input = el("textarea", {
      id: "mw-input", className: "mw-input", rows: "1", maxlength: String(MAX_MESSAGE_CHARS),
      placeholder: TEXT.placeholder, autocomplete: "off", enterkeyhint: "send"
    });
    this.sendButton = el("button", { type: "submit", className: "mw-send", "aria-label": TEXT.send },
      [svgIcon(ICONS.send)]);
    this.composer = el("form", { className: "mw-composer", novalidate: true }, [
      el("label", { className: "mw-sr", "for": "mw-input", text: TEXT.inputLabel }), this.input, this.sendButton
    ]);
    this.telegramButton = el("button", { type: "button", className: "mw-telegram", text: TEXT.telegram, hidden: true });
    this.footer = el("div", { className: "mw-footer" }, [this.telegramButton]);

    this.chat = el("div", { className: "mw-chat" }, [this.log, this.typing, this.replies, this.composer, this.footer]);
    this.panel = el("section", {
      id: "mw-panel", className: "mw-panel", role: "dialog", "aria-labelledby": "mw-title", hidden: true
    }, [header, this.status, this.privacy, this.chat]);

    frame.appendChild(this.panel);
    frame.appendChild(this.bubble);
    root.appendChild(stylesheet);
    root.appendChild(frame);
    this.bind();
    this.showOpening();
  };

  Widget.prototype.buildPrivacyNote = function () {
    var link = this.options.privacyUrl ? safeLink(this.options.privacyUrl, TEXT.privacyLink) : null;
    this.startButton = el("button", { type: "button", className: "mw-start", text: TEXT.start });
    return el("div", { className: "mw-privacy", hidden: true }, [
      el("h3", { text: TEXT.privacyTitle }),
      el("p", { text: TEXT.privacyBody }),
      el("p", { text: TEXT.privacyForget }),
      link ? el("p", {}, [link]) : null,
      this.startButton
    ]);
  };

  Widget.prototype.bind = function () {
    var self = this;
    this.bubble.addEventListener("click", function () {
      if (self.panel.hidden) self.open(false); else self.close();
    });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        self.close();
      }
    });
    this.startButton.addEventListener("click", function () {
      storage.set("localStorage", self.keys.privacy, "1");
      self.showChat();
      self.input.focus();
    });
    this.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });
    this.input.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; never while an IME is composing.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submitInput();
      }
    });
    this.input.addEventListener("input", function () { self.fitInput(); });
    this.telegramButton.addEventListener("click", function () { self.requestContinueLink(); });
  };

  // --- open / close ------------------------------------------------------------------------------

  // `quiet`: opened by the page (open-on-load, or still open after a reload), not by the visitor:
  // focus stays where the page has it.
  Widget.prototype.open = function (quiet) {
    this.panel.hidden = false;
    this.bubble.setAttribute("aria-expanded", "true");
    this.frame.classList.add("mw-open");
    storage.set("sessionStorage", this.keys.open, "1");
    if (!this.options.serverUrl) {
      this.chat.hidden = true;
      this.setConnection("config-error", TEXT.configError);
      return;
    }
    if (storage.get("localStorage", this.keys.privacy) === "1") {
      this.showChat();
      if (!quiet) this.input.focus();
    } else {
      this.privacy.hidden = false;
      this.chat.hidden = true;
      if (!quiet) this.startButton.focus();
    }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.bubble.setAttribute("aria-expanded", "false");
    this.frame.classList.remove("mw-open");
    storage.remove("sessionStorage", this.keys.open);
    this.bubble.focus();
  };

  Widget.prototype.showChat = function () {
    this.privacy.hidden = true;
    this.chat.hidden = false;
    this.connect();
  };

  // --- connection --------------------------------------------------------------------------------

  Widget.prototype.setConnection = function (state, message, withRetry) {
    this.frame.setAttribute("data-connection", state);
    while (this.status.firstChild) this.status.removeChild(this.status.firstChild);
    this.status.className = "mw-status mw-status-" + state;
    this.status.hidden = !message;
    if (!message) return;
    // An error is announced at once (alert); "Verbinden…" politely.
    this.status.setAttribute("role", state === "connecting" ? "status" : "alert");
    this.status.appendChild(el("span", { text: message }));
    if (withRetry) {
      var self = this;
      var retry = el("button", { type: "button", className: "mw-retry", text: TEXT.retry });
      retry.addEventListener("click", function () {
        self.setConnection("connecting", TEXT.connecting);
        if (self.socket) self.socket.connect(); else self.connect(); // the bundle itself may have failed
      });
      this.status.appendChild(retry);
    }
  };

  Widget.prototype.connect = function () {
    if (this.socket || this.loading) return;
    var self = this;
    this.loading = true;
    this.setConnection("connecting", TEXT.connecting);
    loadSocketIo().then(function (io) {
      self.loading = false;
      self.openSocket(io);
    }, function () {
      self.loading = false;
      self.setConnection("offline", TEXT.loadError);
    });
  };

  Widget.prototype.openSocket = function (io) {
    var self = this;
    var socket = io(this.options.serverUrl, {
      path: this.options.socketPath,
      // Long-polling first (works through any proxy), then upgraded to a WebSocket. Sanic 21.12
      // (Rasa 3.6) needs bot/channels/sanic_websockets.py on Python 3.11 for that upgrade to work.
      transports: ["polling", "websocket"],
      upgrade: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 8000,
      withCredentials: false
    });
    this.socket = socket;

    socket.on("connect", function () {
      self.confirmed = false;
      self.setConnection("connecting", TEXT.connecting);
      socket.emit("session_request", { session_id: storage.get("localStorage", self.keys.session) || null });
    });
    socket.on("connect_error", function () { self.goOffline(); });
    socket.on("disconnect", function (reason) {
      self.goOffline();
      // The server closed us on purpose (e.g. a restart): socket.io does not retry that by itself.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("session_confirm", function (data) { self.onSessionConfirm(data); });
    socket.on("history", function (data) { self.onHistory(data); });
    socket.on("bot_uttered", function (data) { self.onBotUttered(data); });
    socket.on("bot_done", function () { self.onBotDone(); });
    socket.on("bot_error", function (data) {
      self.addError(data && typeof data.message === "string" ? data.message : TEXT.noReply);
      self.stopWaiting();
    });
    socket.on("continue_link", function (data) { self.onContinueLink(data); });
    socket.on("continue_error", function (data) {
      self.telegramButton.disabled = false;
      self.telegramButton.textContent = TEXT.telegram;
      self.addError(data && typeof data.message === "string" ? data.message : TEXT.noReply);
    });
  };

  Widget.prototype.goOffline = function () {
    this.confirmed = false;
    clearTimeout(this.historyTimer);
    // A reply cannot arrive over a lost connection: no typing dots while offline.
    this.stopWaiting();
    // Every failed retry reports again: announce the error once, not every few seconds.
    if (this.frame.getAttribute("data-connection") !== "offline") this.setConnection("offline", TEXT.offline, true);
  };

  Widget.prototype.onSessionConfirm = function (data) {
    // Rasa's stock channel confirms with the bare id; ours with {session_id, continue_on_telegram}.
    var id = typeof data === "string" ? data : data && data.session_id;
    if (typeof id !== "string" || !id) return;
    var stored = storage.get("localStorage", this.keys.session);
    if (stored && stored !== id) this.clearConversation(); // a new conversation: the old one is gone
    storage.set("localStorage", this.keys.session, id);
    this.telegramButton.hidden = !(data && data.continue_on_telegram === true);
    this.confirmed = true;
    this.setConnection("online", "");
    var self = this;
    clearTimeout(this.historyTimer);
    this.historyTimer = setTimeout(function () { self.flushPending(); }, HISTORY_WAIT_MS);
  };

  Widget.prototype.onHistory = function (data) {
    clearTimeout(this.historyTimer);
    var messages = data && Array.isArray(data.messages) ? data.messages : [];
    this.clearConversation();
    var lastButtons = [];
    var self = this;
    messages.forEach(function (message) {
      if (!message || typeof message.text !== "string" && !message.image) return;
      if (message.sender === "user") {
        // A tapped button comes back as its payload: show its title, as it was shown then.
        var tapped = lastButtons.filter(function (b) { return b.payload === message.text; })[0];
        self.addMessage("user", tapped ? tapped.title : message.text);
        lastButtons = [];
      } else {
        self.addBotMessage(message);
        lastButtons = buttonsOf(message);
      }
    });
    var last = messages[messages.length - 1];
    if (last && last.sender !== "user") this.showReplies(buttonsOf(last));
    this.flushPending();
  };

  // --- messages ----------------------------------------------------------------------------------

  Widget.prototype.showOpening = function () {
    if (this.options.openingMessage) {
      this.addBotMessage({ text: this.options.openingMessage }, "mw-opening");
    }
  };

  Widget.prototype.clearConversation = function () {
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.showReplies([]);
    this.showOpening();
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.addMessage = function (sender, text, extraClass) {
    var bubble = el("div", { className: "mw-message mw-" + sender + (extraClass ? " " + extraClass : "") });
    var body = el("div", { className: "mw-text" });
    if (sender === "bot") appendRichText(body, text);
    else body.textContent = text;
    bubble.appendChild(el("span", { className: "mw-sr", text: sender === "bot" ? this.options.title + ": " : "Jij: " }));
    bubble.appendChild(body);
    this.log.appendChild(bubble);
    this.scrollToEnd();
    return bubble;
  };

  Widget.prototype.addBotMessage = function (message, extraClass) {
    var node = null;
    if (typeof message.text === "string" && message.text) {
      node = this.addMessage("bot", message.text, extraClass);
    }
    var image = typeof message.image === "string" ? httpUrl(message.image) : null;
    if (image) {
      node = el("div", { className: "mw-message mw-bot mw-image" }, [
        el("img", { src: image.href, alt: TEXT.imageAlt, loading: "lazy", referrerpolicy: "no-referrer" })
      ]);
      this.log.appendChild(node);
      this.scrollToEnd();
    }
    return node;
  };

  Widget.prototype.addError = function (text) {
    var line = el("div", { className: "mw-message mw-error", role: "alert" });
    line.appendChild(el("div", { className: "mw-text", text: text }));
    this.log.appendChild(line);
    this.scrollToEnd();
  };

  Widget.prototype.showReplies = function (buttons) {
    var self = this;
    while (this.replies.firstChild) this.replies.removeChild(this.replies.firstChild);
    this.replies.hidden = buttons.length === 0;
    buttons.forEach(function (button, index) {
      // Numbered in order: typing "2" picks the second (the server maps numbers to buttons).
      var node = el("button", { type: "button", className: "mw-reply", "data-payload": button.payload }, [
        el("span", { className: "mw-reply-number", "aria-hidden": "true", text: String(index + 1) }),
        el("span", { className: "mw-reply-title", text: button.title })
      ]);
      node.addEventListener("click", function (event) {
        self.send(button.payload, button.title);
        // The buttons are gone: keyboard users go on typing; a tap must not pop up a phone's
        // keyboard, so focus stays in the panel (Escape keeps working).
        if (event.detail === 0) self.input.focus(); else self.log.focus({ preventScroll: true });
      });
      self.replies.appendChild(node);
    });
  };

  Widget.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.fitInput();
    this.send(text.slice(0, MAX_MESSAGE_CHARS), text);
  };

  Widget.prototype.fitInput = function () {
    var input = this.input;
    input.style.height = "auto";
    var borders = input.offsetHeight - input.clientHeight;
    input.style.height = Math.min(input.scrollHeight + borders, 120) + "px";
  };

  // `message` goes to the server (a button's payload or what was typed); `shown` is what the visitor sees.
  Widget.prototype.send = function (message, shown) {
    this.showReplies([]);
    var node = this.addMessage("user", shown || message);
    if (this.socket && this.socket.connected && this.confirmed) {
      this.emitMessage(message);
      return;
    }
    node.classList.add("mw-pending");
    node.appendChild(el("div", { className: "mw-note", text: TEXT.pending }));
    this.pending.push({ text: message, node: node });
    if (!this.socket) this.connect();
  };

  Widget.prototype.flushPending = function () {
    if (!this.socket || !this.socket.connected || !this.confirmed) return;
    var queue = this.pending;
    this.pending = [];
    var self = this;
    queue.forEach(function (item) {
      item.node.classList.remove("mw-pending");
      var note = item.node.querySelector(".mw-note");
      if (note) item.node.removeChild(note);
      self.log.appendChild(item.node); // after the history that replaced the log
      self.emitMessage(item.text);
    });
    this.scrollToEnd();
  };

  Widget.prototype.emitMessage = function (text) {
    this.socket.emit("user_uttered", { message: text, customData: { language: "nl" } });
    this.awaiting += 1;
    this.typing.hidden = false;
    this.frame.setAttribute("data-busy", "true");
    this.armReplyTimer();
  };

  Widget.prototype.armReplyTimer = function () {
    var self = this;
    clearTimeout(this.replyTimer);
    this.replyTimer = setTimeout(function () {
      if (self.awaiting > 0) {
        self.stopWaiting();
        self.addError(TEXT.noReply);
      }
    }, REPLY_TIMEOUT_MS);
  };

  Widget.prototype.stopWaiting = function () {
    clearTimeout(this.replyTimer);
    this.awaiting = 0;
    this.typing.hidden = true;
    this.frame.setAttribute("data-busy", "false");
  };

  Widget.prototype.onBotUttered = function (data) {
    if (!data || typeof data !== "object") return;
    this.showReplies([]); // only the newest message's buttons are live
    this.addBotMessage(data);
    this.showReplies(buttonsOf(data));
    if (this.awaiting > 0) this.armReplyTimer(); // the server is alive: more may follow
  };

  Widget.prototype.onBotDone = function () {
    this.awaiting = Math.max(0, this.awaiting - 1);
    if (this.awaiting === 0) this.stopWaiting(); else this.armReplyTimer();
  };

  // --- continue on Telegram ----------------------------------------------------------------------

  Widget.prototype.requestContinueLink = function () {
    if (!this.socket || !this.socket.connected || !this.confirmed) {
      this.addError(TEXT.offline);
      return;
    }
    this.telegramButton.disabled = true;
    this.telegramButton.textContent = TEXT.telegramBusy;
    this.socket.emit("continue_request", {});
  };

  Widget.prototype.onContinueLink = function (data) {
    this.telegramButton.disabled = false;
    this.telegramButton.textContent = TEXT.telegram;
    var link = data && typeof data.url === "string" ? safeLink(data.url, TEXT.telegramOpen) : null;
    if (!link) {
      this.addError(TEXT.noReply);
      return;
    }
    var seconds = data && typeof data.expires_in_seconds === "number" ? data.expires_in_seconds : 600;
    var minutes = Math.max(1, Math.round(seconds / 60));
    var notice = el("div", { className: "mw-message mw-notice" }, [
      el("div", { className: "mw-text" }, [
        document.createTextNode(TEXT.telegramIntro + " "),
        link,
        document.createTextNode(". De link werkt één keer en verloopt over " + minutes +
          (minutes === 1 ? " minuut." : " minuten."))
      ])
    ]);
    this.log.appendChild(notice);
    this.scrollToEnd();
    link.focus();
  };

  // --- socket.io-client: our own copy, served next to this file ------------------------------------

  var ioPromise = null;

  function loadSocketIo() {
    if (ioPromise) return ioPromise;
    ioPromise = new Promise(function (resolve, reject) {
      if (typeof window.io === "function" && window.io.protocol === 5) {
        resolve(window.io); // the page already has socket.io-client v3/v4
        return;
      }
      var tag = el("script", { src: ASSET_BASE + "socket.io.min.js", async: true });
      tag.addEventListener("load", function () {
        if (typeof window.io === "function") resolve(window.io); else reject(new Error("no io"));
      });
      tag.addEventListener("error", function () {
        ioPromise = null; // a later attempt may load it
        reject(new Error("socket.io-client did not load"));
      });
      document.head.appendChild(tag);
    });
    return ioPromise;
  }

  // --- public API ----------------------------------------------------------------------------------

  var instance = null;

  function init(raw) {
    if (instance) return instance;
    var options = optionsFrom(Object.assign({}, optionsFromScript(currentScript), raw || {}));
    if (!options.serverUrl) {
      console.error("Mentorwijzer: zet data-server-url op de <script>-tag (het adres van de chatserver).");
    }
    var start = function () {
      instance = instance || new Widget(options);
      document.body.appendChild(instance.host);
      if (options.openOnLoad || storage.get("sessionStorage", instance.keys.open) === "1") instance.open(true);
    };
    if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
    return instance;
  }

  window.MentorwijzerWidget = {
    version: "1",
    init: function (raw) { init(raw); },
    open: function () { if (instance) instance.open(false); },
    close: function () { if (instance) instance.close(); }
  };

  if (!currentScript || currentScript.dataset.manual !== "true") init({});
})();

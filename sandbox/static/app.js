// The sandbox workspace in the browser: one page, state fetched from /ui/api/state, refreshed live over SSE.
"use strict";

const params = new URLSearchParams(location.search);
const ui = {
  user: params.get("user") || localStorage.getItem("sandbox.user") || "U0ALICE",
  channel: params.get("channel") || localStorage.getItem("sandbox.channel") || "C0APOLLO",
  thread: null, state: null, fetching: false, dirty: false,
  stores: {},   // state values per modal view id / message ts, kept across re-renders
  errors: {},   // response_action errors per view id
  modalNotice: {},
};
const $ = (selector) => document.querySelector(selector);

async function api(path, body) {
  let response;
  try {
    response = await fetch(`/ui/api/${path}`, body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: ui.user, ...body }),
    });
  } catch (error) {
    toast("The sandbox is not reachable. Is `tpmbot run` still running?");
    return { ok: false, error: String(error) };
  }
  const data = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!response.ok) toast(data.error || `HTTP ${response.status}`);
  else if (data.notice) toast(data.notice);
  refresh();
  return data;
}

function toast(text) {
  const node = h("div.toast", { role: "alert" }, text, h("button.toast-close", { type: "button", "aria-label": "Dismiss", onclick: () => node.remove() }, "×"));
  $("#toasts").append(node);
  setTimeout(() => node.remove(), 8000);
}

async function refresh() {
  if (ui.fetching) { ui.dirty = true; return; }
  ui.fetching = true;
  try {
    do {
      ui.dirty = false;
      const query = new URLSearchParams({ user: ui.user, channel: ui.channel });
      if (ui.thread) query.set("thread", ui.thread);
      const response = await fetch(`/ui/api/state?${query}`).catch(() => null);
      if (response && response.ok) { ui.state = await response.json(); render(); }
    } while (ui.dirty);
  } finally { ui.fetching = false; }
}

function ctxFor(key, extra) {
  const s = ui.state;
  ui.stores[key] = ui.stores[key] || {};
  return { store: ui.stores[key], users: s.users, channels: s.channels, confirm: confirmDialog, ...extra };
}

function confirmDialog(confirm, go) {
  const box = h("div.overlay.confirm", {}, h("div.dialog", { role: "dialog" },
    h("div.dialog-title", {}, plainText(confirm.title) || "Are you sure?"),
    h("div.dialog-body", { html: textHtml(confirm.text) }),
    h("div.dialog-footer", {},
      h("button.btn", { type: "button", onclick: () => box.remove() }, plainText(confirm.deny) || "Cancel"),
      h("button.btn.btn-primary", { type: "button", onclick: () => { box.remove(); go(); } }, plainText(confirm.confirm) || "Yes"))));
  document.body.append(box);
}

// ---- rendering ---------------------------------------------------------------------------------------
function render() {
  const s = ui.state;
  Names.users = Object.fromEntries(s.users.map((u) => [u.id, u]));
  Names.channels = Object.fromEntries(s.channels.map((c) => [c.id, c]));
  Viewer.tz = s.me.tz; Viewer.now = s.now;
  renderSidebar(s);
  if (ui.channel === "home") renderHome(s); else renderConversation(s);
  renderModal(s);
}

function localTime(iso, tz, withDate) {
  const options = { timeZone: tz, hour: "2-digit", minute: "2-digit", hour12: false };
  if (withDate) Object.assign(options, { weekday: "short", day: "numeric", month: "short" });
  return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
}

function renderSidebar(s) {
  $("#team-name").textContent = s.team.name;
  const who = $("#user-switcher");
  if (!who.options.length) {
    s.users.filter((u) => !u.is_bot).forEach((u) => who.append(h("option", { value: u.id }, `${u.real_name} — ${u.tz}`)));
  }
  who.value = ui.user;
  $("#clock-now").textContent = `${localTime(s.now, s.me.tz, true)} (${s.me.tz})`;
  $("#clock-utc").textContent = `${localTime(s.now, "UTC", true)} UTC`;
  $("#clock").classList.toggle("hidden", !s.app.clock_control);
  if (ui.clockZone !== s.me.tz) {  // the acting member changed: their zone, and now on their wall clock
    ui.clockZone = s.me.tz;
    $("#clock-zone").textContent = s.me.tz;
    $("#clock-to").value = "";
  }
  if (!$("#clock-to").value) {  // start from now, in the acting member's zone
    const parts = new Intl.DateTimeFormat("sv-SE", { timeZone: s.me.tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(s.now));
    $("#clock-to").value = parts.replace(" ", "T");
  }
  const item = (id, label, extra) => h(`li.nav-item${ui.channel === id ? ".active" : ""}`, { "data-channel": id, onclick: () => go(id) }, label, extra);
  $("#channel-list").replaceChildren(...s.channels.filter((c) => c.is_member || !c.is_private).map((c) =>
    item(c.id, `${c.is_private ? "🔒" : "#"} ${c.name}`, c.is_member ? null : h("span.muted", {}, " (not a member)"))));
  const app = item("home", `🤖 ${s.app.name}`, s.app.connected ? null : h("span.muted", {}, " (not connected)"));
  app.classList.toggle("active", ui.channel === "home" || ui.channel === dmOf(ui.user));
  $("#app-list").replaceChildren(app);
}

const dmOf = (user) => "D" + user.slice(1);

function go(channel) {
  ui.channel = channel; ui.thread = null;
  localStorage.setItem("sandbox.channel", channel);
  if (channel === "home") api("home", {}); else refresh();
}

function showTabs(which) {
  $("#app-tabs").classList.toggle("hidden", !which);
  for (const tab of document.querySelectorAll("[data-tab]")) tab.classList.toggle("active", tab.dataset.tab === which);
}

function author(message, s) {
  if (message.from_sandbox) return { name: "Slackbot", bot: true };
  if (message.bot_id) return { name: s.app.name, bot: true };
  const user = Names.users[message.user];
  return { name: user ? user.real_name : message.user, bot: false };
}

function renderMessage(message, s, channel, inThread) {
  const who = author(message, s);
  const content = message.blocks && message.blocks.length
    ? renderBlocks(message.blocks, ctxFor(message.ts, { onAction: (action) => api("action", { action, channel, ts: message.ts, state: ui.stores[message.ts] }) }))
    : (message.text || !message.files ? h("div.text", { html: mrkdwn(message.text) }) : null);
  const body = message.files && message.files.length ? h("div", {}, content, sharedFiles(message.files)) : content;
  const replies = !inThread && message.reply_count ? h("button.replies", { type: "button", onclick: () => { ui.thread = message.ts; refresh(); } },
    `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`) : null;
  const menu = h("div.menu.hidden", {},
    !inThread && !message.only_visible_to_you ? h("button.menu-item", { type: "button", onclick: () => { ui.thread = message.ts; refresh(); } }, "Reply in thread") : null,
    message.only_visible_to_you ? null : s.shortcuts.map((sc) => h("button.menu-item", {
      type: "button", onclick: () => { menu.classList.add("hidden"); api("shortcut", { callback_id: sc.callback_id, channel, ts: message.ts }); },
    }, sc.name, h("span.muted", {}, ` ${s.app.name}`))));
  const actions = h("div.message-actions", {}, h("button.more", { type: "button", "aria-label": "More actions", onclick: (e) => { e.stopPropagation(); menu.classList.toggle("hidden"); } }, "⋮"), menu);
  return h(`div.message${message.only_visible_to_you ? ".ephemeral" : ""}`, { "data-ts": message.ts },
    h("div.avatar", {}, who.bot ? "🤖" : who.name.slice(0, 1)),
    h("div.message-main", {},
      h("div.message-head", {}, h("b.author", {}, who.name), who.bot ? h("span.app-badge", {}, "APP") : null,
        h("span.time", {}, localTime(new Date(Number(message.ts) * 1000).toISOString(), s.me.tz)),
        message.edited ? h("span.muted", {}, " (edited)") : null),
      message.only_visible_to_you ? h("div.only-you", {}, "👁 Only visible to you") : null,
      body, reactions(message), replies), actions);
}

// Files shared into the channel with the message (files.completeUploadExternal with a channel_id).
function sharedFiles(files) {
  return h("div.shared-files", {}, files.map((f) => (f.mimetype || "").startsWith("image/")
    ? h("figure.bk-image.shared-file", { "data-file-id": f.id }, h("figcaption", {}, f.title || f.name),
      h("a", { href: `/ui/files/${encodeURIComponent(f.id)}`, target: "_blank", rel: "noopener" },
        h("img", { src: `/ui/files/${encodeURIComponent(f.id)}`, alt: f.alt_txt || f.title || f.name })))
    : h("a.shared-file", { href: `/ui/files/${encodeURIComponent(f.id)}`, "data-file-id": f.id }, `📎 ${f.title || f.name}`)));
}

// Reactions under a message, as Slack shows them: the emoji, the count, who reacted on hover.
function reactions(message) {
  if (!message.reactions || !message.reactions.length) return null;
  return h("div.reactions", {}, message.reactions.map((r) => {
    const who = (r.users || []).map((u) => (Names.users[u] ? Names.users[u].display_name : u)).join(", ");
    const mine = (r.users || []).includes(ui.user);
    return h(`span.reaction${mine ? ".mine" : ""}`, { title: `${who} reacted with :${r.name}:`, "data-reaction": r.name },
      h("span.reaction-emoji", { html: emoji(escapeHtml(`:${r.name}:`)) }), h("span.reaction-count", {}, String(r.count)));
  }));
}

// Stay at the bottom (or go there when a new message arrives), as Slack does; otherwise keep the place.
function keepScroll(container, messages, build) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  const last = messages.length ? messages[messages.length - 1].ts : "";
  const arrived = container.dataset.lastTs !== last;
  container.dataset.lastTs = last;
  build();
  if (atBottom || arrived) container.scrollTop = container.scrollHeight;
}

// A divider wherever the day changes (in the zone of the member acting), as watching days go by needs.
function withDays(messages, s, render) {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: s.me.tz, weekday: "long", day: "numeric", month: "long", year: "numeric" });
  let last = null;
  return messages.flatMap((m) => {
    const label = day.format(new Date(Number(m.ts) * 1000));
    const divider = label !== last ? h("div.day-divider", {}, h("span", {}, label)) : null;
    last = label;
    return divider ? [divider, render(m)] : [render(m)];
  });
}

function renderConversation(s) {
  $("#home").classList.add("hidden");
  $("#conversation").classList.remove("hidden");
  const conversation = s.conversation || { messages: [], thread: null };
  // Rebuild only what changed, so a live update does not close an open select or take the caret.
  const key = JSON.stringify([s.me.id, ui.channel, conversation, s.channels.length]);
  if (key === ui.conversationKey) return;
  ui.conversationKey = key; ui.homeKey = null;
  const channel = s.channels.find((c) => c.id === ui.channel);
  const dm = s.dms.find((d) => d.id === ui.channel);
  $("#channel-title").textContent = channel ? `${channel.is_private ? "🔒" : "#"} ${channel.name}` : dm ? dm.name : ui.channel;
  $("#channel-purpose").textContent = channel ? channel.purpose : "Messages with the app";
  showTabs(dm ? "messages" : null);
  keepScroll($("#messages"), conversation.messages, () => $("#messages").replaceChildren(...withDays(conversation.messages, s, (m) => renderMessage(m, s, conversation.channel, false))));
  const thread = conversation.thread;
  $("#thread").classList.toggle("hidden", !thread);
  if (thread) keepScroll($("#thread-messages"), thread.messages, () => $("#thread-messages").replaceChildren(...thread.messages.map((m) => renderMessage(m, s, conversation.channel, true))));
  $("#composer-input").placeholder = `Message ${channel ? "#" + channel.name : s.app.name}`;
  $("#composer").classList.toggle("hidden", Boolean(channel && !channel.is_member));
}

function renderHome(s) {
  $("#conversation").classList.add("hidden");
  $("#home").classList.remove("hidden");
  const view = s.home;
  const key = JSON.stringify([s.me.id, view && view.id, view && view.hash]);
  if (key === ui.homeKey) return;
  ui.homeKey = key; ui.conversationKey = null;
  $("#channel-title").textContent = `🤖 ${s.app.name}`;
  $("#channel-purpose").textContent = "App Home";
  showTabs("home");
  $("#home-body").replaceChildren(view ? renderBlocks(view.blocks, ctxFor(view.id, { onAction: (action) => api("action", { action, view_id: view.id, state: ui.stores[view.id] }) }))
    : h("p.muted", {}, `${s.app.name} has not published a Home tab for you yet.`));
}

function renderModal(s) {
  const root = $("#modal-root");
  const view = s.modals[s.modals.length - 1];
  // Rebuild the modal only when it changed: a live update must not take the caret from someone typing.
  const key = view ? JSON.stringify([view.id, view.hash, s.modals.length, ui.errors[view.id], ui.modalNotice[view.id]]) : "";
  if (key === ui.modalKey) return;
  ui.modalKey = key;
  if (!view) { root.replaceChildren(); return; }
  const active = document.activeElement && root.contains(document.activeElement) ? document.activeElement.dataset : null;
  const focused = active && active.blockId ? `[data-block-id="${CSS.escape(active.blockId)}"][data-action-id="${CSS.escape(active.actionId)}"]` : null;
  const ctx = ctxFor(view.id, { errors: ui.errors[view.id], onAction: (action) => api("action", { action, view_id: view.id, state: ui.stores[view.id] }) });
  const close = () => api("view/close", { view_id: view.id });
  const notice = ui.modalNotice[view.id];
  root.replaceChildren(h("div.overlay", {}, h("div.modal", { role: "dialog", "aria-label": plainText(view.title), "data-callback-id": view.callback_id },
    h("div.modal-head", {}, s.modals.length > 1 ? h("button.icon", { type: "button", "aria-label": "Back", onclick: close }, "←") : null,
      h("div.modal-title", {}, plainText(view.title)), h("button.icon", { type: "button", "aria-label": "Close", onclick: closeAll }, "×")),
    notice ? h("div.modal-notice", { role: "alert" }, notice) : null,
    h("div.modal-body", {}, renderBlocks(view.blocks, ctx)),
    h("div.modal-foot", {}, h("button.btn", { type: "button", onclick: close }, plainText(view.close) || "Cancel"),
      view.submit ? h("button.btn.btn-primary", { type: "button", disabled: view.submit_disabled, onclick: () => submit(view) }, plainText(view.submit)) : null))));
  if (focused) { const again = root.querySelector(focused); if (again) again.focus(); }
}

async function closeAll() {
  for (const view of [...ui.state.modals].reverse()) await api("view/close", { view_id: view.id });
}

async function submit(view) {
  ui.modalNotice[view.id] = null;
  const result = await api("view/submit", { view_id: view.id, values: ui.stores[view.id] || {} });
  ui.errors[view.id] = result.errors || {};
  if (!result.ok && !Object.keys(result.errors || {}).length) ui.modalNotice[view.id] = result.notice || result.error;
  render();
}

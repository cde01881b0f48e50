// Slack's mrkdwn and plain_text to safe HTML: every character of input is escaped before any markup is added.
"use strict";

const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", rotating_light: "🚨", sparkles: "✨",
  fire: "🔥", tada: "🎉", wave: "👋", eyes: "👀", bell: "🔔", calendar: "📅", clock1: "🕐", alarm_clock: "⏰",
  hourglass: "⌛", hourglass_flowing_sand: "⏳", memo: "📝", pushpin: "📌", red_circle: "🔴", large_orange_circle: "🟠",
  large_yellow_circle: "🟡", large_green_circle: "🟢", white_circle: "⚪", black_circle: "⚫", arrow_up: "⬆️",
  arrow_down: "⬇️", arrow_right: "➡️", no_entry: "⛔", no_entry_sign: "🚫", zzz: "💤", thumbsup: "👍", "+1": "👍",
  thumbsdown: "👎", bar_chart: "📊", chart_with_upwards_trend: "📈", clipboard: "📋", mag: "🔍", rocket: "🚀",
  information_source: "ℹ️", question: "❓", exclamation: "❗", lock: "🔒", busts_in_silhouette: "👥",
  bust_in_silhouette: "👤", speech_balloon: "💬", repeat: "🔁", construction: "🚧", sos: "🆘", palm_tree: "🌴",
  large_blue_circle: "🔵", radio_button: "🔘", checkered_flag: "🏁", spiral_calendar_pad: "🗓️", link: "🔗",
  heavy_plus_sign: "➕", pencil2: "✏️", wastebasket: "🗑️", raising_hand: "🙋", robot_face: "🤖", date: "📅",
  warning_sign: "⚠️", stopwatch: "⏱️", snowflake: "❄️", mega: "📣", loudspeaker: "📢", dart: "🎯",
};

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function emoji(text) {
  return text.replace(/:([a-z0-9_+\-]+):/g, (all, name) => EMOJI[name] || all);
}

// Names for <@U…>, <#C…> come from the current workspace snapshot.
const Names = { users: {}, channels: {} };

function entity(inner) {
  const [target, label] = inner.split("|");
  if (target.startsWith("@")) {
    const user = Names.users[target.slice(1)];
    return `<span class="mention">@${user ? escapeHtml(user.display_name) : (label || target.slice(1))}</span>`;
  }
  if (target.startsWith("#")) {
    const channel = Names.channels[target.slice(1)];
    return `<span class="mention">#${channel ? escapeHtml(channel.name) : (label || target.slice(1))}</span>`;
  }
  if (target.startsWith("!")) {
    const name = target.slice(1).split("^")[0];
    return `<span class="mention">@${label || name}</span>`;
  }
  const href = target.replace(/&amp;/g, "&");
  if (!/^(https?:|mailto:)/i.test(href)) return label || target;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${label || target}</a>`;
}

// Slack's text arrives escaped (&amp; &lt; &gt;); those stay entities, everything else is escaped here.
function escapeSlack(text) {
  return String(text ?? "").replace(/&(?!(amp|lt|gt);)/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function inline(text, entities) {
  let out = text.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  out = out.replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,!?:;<])/g, "$1<b>$2</b>");
  out = out.replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,!?:;<])/g, "$1<i>$2</i>");
  out = out.replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,!?:;<])/g, "$1<s>$2</s>");
  return emoji(out).replace(/\u0000(\d+)\u0000/g, (all, i) => entities[Number(i)]);
}

function mrkdwn(text) {
  // Control sequences (<@U…>, <#C…|name>, <url|label>) first, so escaped text can never become one.
  const entities = [];
  const marked = String(text ?? "").replace(/\u0000/g, "").replace(/<([^<>\n]+)>/g, (all, inner) => {
    const [target, label] = inner.split("|");
    entities.push(entity(escapeSlack(target) + (label === undefined ? "" : "|" + escapeSlack(label))));
    return `\u0000${entities.length - 1}\u0000`;
  });
  const parts = escapeSlack(marked).split(/```/);
  return parts.map((part, i) => {
    if (i % 2 === 1) return `<pre>${part.replace(/^\n/, "").replace(/\u0000(\d+)\u0000/g, (all, n) => entities[Number(n)])}</pre>`;
    const lines = part.split("\n");
    const html = [];
    let quote = [];
    const flush = () => { if (quote.length) { html.push(`<blockquote>${quote.join("<br>")}</blockquote>`); quote = []; } };
    for (const line of lines) {
      if (line.startsWith("&gt; ") || line === "&gt;") quote.push(inline(line.replace(/^&gt; ?/, ""), entities));
      else { flush(); html.push(inline(line, entities)); }
    }
    flush();
    return html.join("<br>").replace(/<br>(<blockquote>)/g, "$1").replace(/(<\/blockquote>)<br>/g, "$1");
  }).join("");
}

function textHtml(obj) {
  if (obj == null) return "";
  if (typeof obj === "string") return mrkdwn(obj);
  if (obj.type === "mrkdwn") return obj.verbatim ? escapeSlack(obj.text) : mrkdwn(obj.text);
  return obj.emoji === false ? escapeHtml(obj.text) : emoji(escapeHtml(obj.text));
}

function plainText(obj) {
  if (obj == null) return "";
  return typeof obj === "string" ? obj : obj.text || "";
}

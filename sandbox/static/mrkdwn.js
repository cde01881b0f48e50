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
  arrows_counterclockwise: "🔄", handshake: "🤝", package: "📦", inbox_tray: "📥", outbox_tray: "📤",
  heavy_multiplication_x: "✖️", heavy_minus_sign: "➖", scroll: "📜", small_orange_diamond: "🔸",
  small_blue_diamond: "🔹", scales: "⚖️", triangular_flag_on_post: "🚩", grey_question: "❔",
  ballot_box_with_check: "☑️",
};

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function emoji(text) {
  return text.replace(/:([a-z0-9_+\-]+):/g, (all, name) => EMOJI[name] || all);
}

// Names for <@U…>, <#C…> come from the current workspace snapshot.
const Names = { users: {}, channels: {} };
// Who reads: <!date^…> tokens show in this zone, "today"/"ago" relative to the sandbox's now.
const Viewer = { tz: undefined, now: null };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th");
}

function zoned(date) {  // the calendar fields of an instant on the viewer's wall clock
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: Viewer.tz, year: "numeric", month: "numeric", day: "numeric", weekday: "short", hour: "numeric",
    minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    weekday: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday),
    hour: Number(parts.hour), minute: parts.minute, second: parts.second };
}

function ago(seconds) {
  const future = seconds < 0;
  let n = Math.abs(seconds);
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const [unit, size] = units.find(([, size]) => n >= size) || ["second", 1];
  n = Math.floor(n / size);
  if (unit === "second") return future ? "in a few seconds" : "just now";
  const label = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return future ? `in ${label}` : `${label} ago`;
}

// Slack's <!date^unix^format^link|fallback>: the instant in the reader's zone; the fallback if it can't be read.
function formatDate(unix, format) {
  const at = new Date(unix * 1000);
  const now = Viewer.now ? new Date(Viewer.now) : new Date();
  const f = zoned(at);
  const today = zoned(now);
  const dayNumber = (z) => Date.UTC(z.year, z.month - 1, z.day) / 86400000;
  const relative = { 0: "today", [-1]: "yesterday", 1: "tomorrow" }[dayNumber(f) - dayNumber(today)];
  const month = MONTHS[f.month - 1];
  const dates = {
    date_num: `${f.year}-${String(f.month).padStart(2, "0")}-${String(f.day).padStart(2, "0")}`,
    date: `${month} ${ordinal(f.day)}, ${f.year}`,
    date_short: `${month.slice(0, 3)} ${f.day}, ${f.year}`,
    date_long: `${WEEKDAYS[f.weekday]}, ${month} ${ordinal(f.day)}, ${f.year}`,
  };
  const hour12 = f.hour % 12 || 12;
  const half = f.hour < 12 ? "AM" : "PM";
  const tokens = {
    ...dates,
    date_pretty: relative || dates.date, date_short_pretty: relative || dates.date_short,
    date_long_pretty: relative || dates.date_long,
    time: `${hour12}:${f.minute} ${half}`, time_secs: `${hour12}:${f.minute}:${f.second} ${half}`,
    ago: ago((now.getTime() - at.getTime()) / 1000),
  };
  let known = true;
  const text = format.replace(/\{([a-z_]+)\}/g, (all, name) => {
    if (!(name in tokens)) known = false;
    return tokens[name] ?? all;
  });
  return known ? text : null;
}

function dateEntity(target, label) {
  const [, unix, format, link] = target.split("^");
  const seconds = Number(unix);
  const shown = Number.isFinite(seconds) && format ? formatDate(seconds, format) : null;
  if (shown === null) return label || "";
  const iso = new Date(seconds * 1000).toISOString();
  // `shown` is HTML-safe: the format was escaped with the rest of the text, the tokens are digits and words.
  const html = `<time class="date" datetime="${escapeHtml(iso)}">${shown}</time>`;
  const href = (link || "").replace(/&amp;/g, "&");
  return /^(https?:|mailto:)/i.test(href) ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${html}</a>` : html;
}

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
  if (target.startsWith("!date^")) return dateEntity(target, label);
  if (target.startsWith("!")) {
    const name = target.slice(1).split("^")[0];
    return `<span class="mention">@${(label || name).replace(/^@/, "")}</span>`;
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

// Bold, then italic, then strike: each may sit right inside another (`~*gone*~`, `*_both_*`).
function inline(text, entities) {
  let out = text.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  out = out.replace(/(^|[\s(>_~])\*([^*\n]+)\*(?=$|[\s).,!?:;<_~])/g, "$1<b>$2</b>");
  out = out.replace(/(^|[\s(>~])_([^_\n]+)_(?=$|[\s).,!?:;<~])/g, "$1<i>$2</i>");
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

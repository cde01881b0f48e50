// The composer (messages and slash commands, with the manifest's commands suggested), the thread reply box,
// the user switcher, the clock control and the live-update stream.
"use strict";

function suggestions(input, box) {
  const text = input.value;
  const commands = (ui.state && ui.state.commands) || [];
  const typed = text.startsWith("/") && !text.includes(" ") ? text : null;
  const matches = typed === null ? [] : commands.filter((c) => c.command.startsWith(typed));
  box.replaceChildren(...matches.map((c, i) => h(`li.suggestion${i === 0 ? ".active" : ""}`, {
    onmousedown: (e) => { e.preventDefault(); input.value = `${c.command} `; box.replaceChildren(); input.focus(); },
  }, h("b", {}, c.command), " ", h("span.muted", {}, c.usage_hint || ""), h("div.muted.small", {}, c.description || ""))));
  box.classList.toggle("hidden", !matches.length);
}

function wireComposer(form, input, box, threadTs) {
  const send = async () => {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    box.replaceChildren(); box.classList.add("hidden");
    await api("send", { channel: ui.channel, text, thread_ts: threadTs ? threadTs() : null });
  };
  input.addEventListener("input", () => suggestions(input, box));
  input.addEventListener("keydown", (e) => {
    const first = box.querySelector(".suggestion");
    if ((e.key === "Tab" || e.key === "Enter") && first && !box.classList.contains("hidden") && !input.value.includes(" ")) {
      e.preventDefault(); first.dispatchEvent(new MouseEvent("mousedown")); return;
    }
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); }
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); send(); });
}

function advanceTo(body) {
  const button = $("#clock-go");
  button.disabled = true;
  $("#clock-status").textContent = "Running what falls due…";
  // `to` is the acting member's wall-clock time: the sandbox reads it in their zone (api() sends who acts).
  return api("clock", body).then((result) => {
    $("#clock-status").textContent = result.ok ? `Ran ${result.ran} scheduled occurrence(s).` : "";
  }).finally(() => { button.disabled = false; });
}

function wireClock() {
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advanceTo({ minutes: Number(button.dataset.advance) }));
  }
  $("#clock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if ($("#clock-to").value) advanceTo({ to: $("#clock-to").value });
  });
}

function connectLive() {
  const source = new EventSource("/ui/api/events");
  source.addEventListener("version", (e) => { if (!ui.state || Number(e.data) !== ui.state.version) refresh(); });
  source.addEventListener("error", () => $("#live").classList.add("offline"));
  source.addEventListener("open", () => { $("#live").classList.remove("offline"); refresh(); });
}

function start() {
  wireComposer($("#composer"), $("#composer-input"), $("#suggestions"), null);
  wireComposer($("#thread-composer"), $("#thread-input"), $("#thread-suggestions"), () => ui.thread);
  wireClock();
  $("#user-switcher").addEventListener("change", (e) => {
    const wasDm = ui.channel.startsWith("D");
    ui.user = e.target.value; ui.thread = null;
    if (wasDm) ui.channel = dmOf(ui.user);  // in the app's Messages tab: the new member's own DM with it
    localStorage.setItem("sandbox.user", ui.user);
    $("#clock-to").value = "";  // prefilled again with now in the new member's zone
    ui.clockZone = null;
    if (ui.channel === "home") api("home", {}); else refresh();
  });
  $("#thread-close").addEventListener("click", () => { ui.thread = null; refresh(); });
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => {
      go(tab.dataset.tab === "home" ? "home" : dmOf(ui.user));
    });
  }
  document.addEventListener("click", () => document.querySelectorAll(".menu").forEach((m) => m.classList.add("hidden")));
  connectLive();
  refresh();
}

document.addEventListener("DOMContentLoaded", start);

// Block Kit to DOM for the surfaces the sandbox shows: messages, modals and App Home.
// ctx = {store, errors, onAction(action), users, channels}: `store` collects state.values as Slack would
// send them (block_id -> action_id -> value), starting from each element's initial value.
"use strict";

function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const node = document.createElement(name);
  if (classes.length) node.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "html") node.innerHTML = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SELECTION_KEY = {
  static_select: "selected_option", external_select: "selected_option", users_select: "selected_user",
  conversations_select: "selected_conversation", channels_select: "selected_channel",
  multi_static_select: "selected_options", multi_external_select: "selected_options",
  multi_users_select: "selected_users", multi_conversations_select: "selected_conversations",
  multi_channels_select: "selected_channels", radio_buttons: "selected_option", checkboxes: "selected_options",
  overflow: "selected_option", datepicker: "selected_date", timepicker: "selected_time",
  datetimepicker: "selected_date_time", plain_text_input: "value", number_input: "value",
  email_text_input: "value", url_text_input: "value",
};

function optionsOf(element) {
  if (element.options) return element.options;
  return (element.option_groups || []).flatMap((group) => group.options);
}

function selectChoices(element, ctx) {
  const base = element.type.replace(/^multi_/, "");
  if (base === "users_select") return ctx.users.filter((u) => !u.is_bot).map((u) => ({ value: u.id, label: `${u.real_name} (@${u.name})` }));
  if (base === "channels_select") return ctx.channels.filter((c) => !c.is_private).map((c) => ({ value: c.id, label: `#${c.name}` }));
  if (base === "conversations_select") return ctx.channels.map((c) => ({ value: c.id, label: `${c.is_private ? "🔒 " : "#"}${c.name}` }));
  return optionsOf(element).map((o) => ({ value: o.value, label: plainText(o.text), option: o }));
}

function initialSelection(element) {
  const keys = ["initial_option", "initial_user", "initial_conversation", "initial_channel", "initial_options",
    "initial_users", "initial_conversations", "initial_channels"];
  for (const key of keys) {
    const value = element[key];
    if (value == null) continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (typeof v === "string" ? v : v.value));
  }
  return [];
}

// The state value of an element for the given selected values (strings), as Slack reports it.
function stateValue(element, selected, ctx) {
  const key = SELECTION_KEY[element.type];
  const out = { type: element.type };
  const choices = element.type.endsWith("select") || ["radio_buttons", "checkboxes", "overflow"].includes(element.type)
    ? selectChoices(element, ctx) : [];
  const asOption = (v) => {
    const found = choices.find((c) => c.value === v);
    return found && found.option ? found.option : { text: { type: "plain_text", text: found ? found.label : v, emoji: true }, value: v };
  };
  if (["static_select", "external_select", "radio_buttons", "overflow"].includes(element.type)) out[key] = selected[0] ? asOption(selected[0]) : null;
  else if (["multi_static_select", "multi_external_select", "checkboxes"].includes(element.type)) out[key] = selected.map(asOption);
  else if (element.type.startsWith("multi_")) out[key] = selected;
  else if (element.type === "datetimepicker") out[key] = selected[0] ? Number(selected[0]) : null;
  else out[key] = selected[0] ?? null;
  if (element.type === "timepicker" && element.timezone) out.timezone = element.timezone;
  return out;
}

function storedSelection(ctx, blockId, element) {
  const value = ((ctx.store[blockId] || {})[element.action_id]);
  if (!value) return null;
  const raw = value[SELECTION_KEY[element.type]];
  if (raw == null) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === "object" ? v.value : String(v)));
}

function remember(ctx, blockId, element, selected) {
  (ctx.store[blockId] = ctx.store[blockId] || {})[element.action_id] = stateValue(element, selected, ctx);
}

function fire(ctx, blockId, element, extra) {
  ctx.onAction({ action_id: element.action_id, block_id: blockId, type: element.type, ...extra });
}

function renderButton(element, blockId, ctx) {
  const style = element.style ? `.btn-${element.style}` : "";
  return h(`button.bk-button${style}`, {
    type: "button", "data-action-id": element.action_id,
    onclick: () => {
      if (element.url) window.open(element.url, "_blank", "noopener");
      const go = () => fire(ctx, blockId, element, { value: element.value, text: element.text });
      if (element.confirm) ctx.confirm(element.confirm, go); else go();
    },
  }, h("span", { html: textHtml(element.text) }));
}

function renderOverflow(element, blockId, ctx) {
  const menu = h("div.menu.hidden", {}, optionsOf(element).map((option) => h("button.menu-item", {
    type: "button", onclick: (e) => {
      e.stopPropagation(); menu.classList.add("hidden");
      fire(ctx, blockId, element, stateValue(element, [option.value], ctx));
    },
  }, plainText(option.text))));
  return h("span.overflow", {}, h("button.bk-button.overflow-toggle", {
    type: "button", "aria-label": "More options", "data-action-id": element.action_id,
    onclick: (e) => { e.stopPropagation(); menu.classList.toggle("hidden"); },
  }, "⋯"), menu);
}

// Selects, pickers, text inputs, checkboxes and radios: report state; dispatch when Slack would.
function renderStateful(element, blockId, ctx, dispatches) {
  const selected = storedSelection(ctx, blockId, element) ?? (element.initial_value != null ? [String(element.initial_value)]
    : element.initial_date ? [element.initial_date] : element.initial_time ? [element.initial_time]
      : element.initial_date_time ? [String(element.initial_date_time)] : initialSelection(element));
  remember(ctx, blockId, element, selected);
  const changed = (values) => {
    remember(ctx, blockId, element, values);
    if (dispatches) fire(ctx, blockId, element, Object.fromEntries(Object.entries(stateValue(element, values, ctx)).filter(([k]) => k !== "type")));
  };
  const attrs = { "data-action-id": element.action_id, "data-block-id": blockId, "aria-label": plainText(element.placeholder) || element.action_id };
  const type = element.type;
  if (type.endsWith("select")) {
    const multi = type.startsWith("multi_");
    const select = h("select.bk-select", { ...attrs, multiple: multi, onchange: (e) => changed([...e.target.selectedOptions].map((o) => o.value)) },
      multi ? null : h("option", { value: "" }, plainText(element.placeholder) || "Select…"),
      selectChoices(element, ctx).map((c) => h("option", { value: c.value, selected: selected.includes(c.value) }, c.label)));
    return select;
  }
  if (type === "checkboxes" || type === "radio_buttons") {
    const name = `${blockId}:${element.action_id}`;
    const box = h("div.bk-choices", attrs, optionsOf(element).map((o) => h("label.bk-choice", {},
      h("input", { type: type === "checkboxes" ? "checkbox" : "radio", name, value: o.value, checked: selected.includes(o.value),
        onchange: () => changed([...box.querySelectorAll("input:checked")].map((i) => i.value)) }),
      h("span", { html: textHtml(o.text) }))));
    return box;
  }
  const kinds = { datepicker: "date", timepicker: "time", number_input: "number", email_text_input: "email", url_text_input: "url", datetimepicker: "datetime-local" };
  if (type === "plain_text_input" && element.multiline) {
    return h("textarea.bk-input", { ...attrs, maxlength: element.max_length, placeholder: plainText(element.placeholder), oninput: (e) => remember(ctx, blockId, element, [e.target.value]), onchange: (e) => changed([e.target.value]) }, selected[0] || "");
  }
  const input = h("input.bk-input", { ...attrs, type: kinds[type] || "text", maxlength: element.max_length, placeholder: plainText(element.placeholder),
    oninput: (e) => remember(ctx, blockId, element, e.target.value === "" ? [] : [e.target.value]),
    onchange: (e) => changed(e.target.value === "" ? [] : [e.target.value]) });
  input.value = selected[0] || "";
  return input;
}

// Where the page finds an image: a public image_url, or an uploaded file (slack_file by id, or by its
// url_private / permalink, which carry the F… id) served by the sandbox at /ui/files/<id>.
function imageSource(node) {
  if (node.image_url) return node.image_url;
  const file = node.slack_file || {};
  const id = file.id || ((file.url || "").match(/\b(F[A-Z0-9]{8,})\b/) || [])[1];
  return id ? `/ui/files/${encodeURIComponent(id)}` : "";
}

function renderElement(element, blockId, ctx, inInput) {
  if (element.type === "button") return renderButton(element, blockId, ctx);
  if (element.type === "overflow") return renderOverflow(element, blockId, ctx);
  if (element.type === "image") return h("img.bk-image-small", { src: imageSource(element), alt: element.alt_text });
  if (SELECTION_KEY[element.type]) return renderStateful(element, blockId, ctx, !inInput || element.dispatch_action === true);
  return h("span.bk-unsupported", {}, `[${element.type}]`);
}

function richText(elements) {
  return elements.map((el) => {
    if (el.type === "text") {
      let node = h("span", {}, el.text);
      const s = el.style || {};
      if (s.code) node = h("code", {}, node);
      if (s.bold) node = h("b", {}, node);
      if (s.italic) node = h("i", {}, node);
      if (s.strike) node = h("s", {}, node);
      return node;
    }
    if (el.type === "link") return h("a", { href: el.url, target: "_blank", rel: "noopener" }, el.text || el.url);
    if (el.type === "user") return h("span.mention", {}, "@" + ((Names.users[el.user_id] || {}).display_name || el.user_id));
    if (el.type === "channel") return h("span.mention", {}, "#" + ((Names.channels[el.channel_id] || {}).name || el.channel_id));
    if (el.type === "emoji") return h("span", { html: emoji(`:${el.name}:`) });
    if (el.type === "broadcast") return h("span.mention", {}, "@" + el.range);
    return null;
  });
}

function renderRichText(block) {
  return h("div.bk-rich", {}, (block.elements || []).map((part) => {
    if (part.type === "rich_text_section") return h("div", {}, richText(part.elements || []));
    if (part.type === "rich_text_preformatted") return h("pre", {}, richText(part.elements || []));
    if (part.type === "rich_text_quote") return h("blockquote", {}, richText(part.elements || []));
    if (part.type === "rich_text_list") {
      return h(part.style === "ordered" ? "ol" : "ul", {}, (part.elements || []).map((item) => h("li", {}, richText(item.elements || []))));
    }
    return null;
  }));
}

function renderBlock(block, index, ctx) {
  const blockId = block.block_id || `block-${index}`;
  const wrap = (node) => { node.dataset.blockId = blockId; return node; };
  switch (block.type) {
    case "header": return wrap(h("div.bk-header", { html: textHtml(block.text) }));
    case "divider": return wrap(h("hr.bk-divider"));
    case "image": return wrap(h("figure.bk-image", {}, block.title ? h("figcaption", {}, plainText(block.title)) : null,
      h("a", { href: imageSource(block), target: "_blank", rel: "noopener" }, h("img", { src: imageSource(block), alt: block.alt_text, title: block.alt_text }))));
    case "context": return wrap(h("div.bk-context", {}, (block.elements || []).map((el) => (el.type === "image"
      ? h("img.bk-image-small", { src: imageSource(el), alt: el.alt_text }) : h("span", { html: textHtml(el) })))));
    case "actions": return wrap(h("div.bk-actions", {}, (block.elements || []).map((el) => renderElement(el, blockId, ctx, false))));
    case "rich_text": return wrap(renderRichText(block));
    case "section": return wrap(h("div.bk-section", {},
      h("div.bk-section-body", {},
        block.text ? h("div.bk-text", { html: textHtml(block.text) }) : null,
        block.fields ? h("div.bk-fields", {}, block.fields.map((f) => h("div.bk-field", { html: textHtml(f) }))) : null),
      block.accessory ? h("div.bk-accessory", {}, renderElement(block.accessory, blockId, ctx, false)) : null));
    case "input": {
      const error = (ctx.errors || {})[blockId];
      return wrap(h(`div.bk-input-block${error ? ".has-error" : ""}`, {},
        h("label.bk-label", {}, plainText(block.label), block.optional ? h("span.optional", {}, " (optional)") : null),
        renderElement(block.element, blockId, ctx, true),
        block.hint ? h("div.bk-hint", {}, plainText(block.hint)) : null,
        error ? h("div.bk-error", { role: "alert" }, error) : null));
    }
    default: return wrap(h("div.bk-unsupported", {}, `[${block.type} block]`));
  }
}

function renderBlocks(blocks, ctx) {
  return h("div.blocks", {}, (blocks || []).map((block, i) => renderBlock(block, i, ctx)));
}

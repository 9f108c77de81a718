// Runs the /docs page's script under node with a minimal DOM (for test_openapi.py).
//
// usage: node render_docs.js <docs.js> <openapi.json>
// Loads the document, opens every collapsed section (so lazy parts render), presses every
// "send" button, and prints {"text": <rendered text>, "fetched": [<URLs requested>]}.
// Any exception in the page's script fails the run (exit code 1).
"use strict";

const fs = require("fs");

class FakeNode {
  constructor(tag) {
    this.tag = tag;
    this.children = [];
    this.attributes = {};
    this.listeners = {};
    this.dataset = {};
    this.className = "";
    this.open = false;
    this.value = "";
    this.ownText = "";
  }

  append(...items) {
    for (const item of items) {
      if (typeof item === "string") this.children.push(new FakeText(item));
      else if (item instanceof FakeFragment) this.children.push(...item.children);
      else if (item instanceof FakeNode) this.children.push(item);
      else throw new Error("append of a non-node: " + item);
    }
  }

  setAttribute(name, value) {
    if (typeof value !== "string") throw new Error(`attribute ${name} is not a string`);
    this.attributes[name] = value;
  }

  addEventListener(event, listener) {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
  }

  set textContent(text) {
    this.children = [];
    this.ownText = String(text);
  }

  get textContent() {
    return this.ownText + this.children.map((child) => child.textContent).join("");
  }

  scrollIntoView() {}
}

class FakeText extends FakeNode {
  constructor(text) {
    super("#text");
    this.ownText = text;
  }
}

class FakeFragment extends FakeNode {
  constructor() {
    super("#fragment");
  }
}

const [scriptPath, specPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
const elements = {};
for (const id of ["title", "subtitle", "main", "nav"]) elements[id] = new FakeNode("div");
const body = new FakeNode("body");
body.dataset.spec = "openapi.json";
const documentListeners = {};
const fetched = [];

global.Node = FakeNode;
global.location = { hash: "" };
global.document = {
  title: "",
  body: body,
  createElement: (tag) => new FakeNode(tag),
  createTextNode: (text) => new FakeText(text),
  createDocumentFragment: () => new FakeFragment(),
  getElementById: (id) => elements[id],
  addEventListener: (event, listener) => {
    documentListeners[event] = listener;
  },
};
global.fetch = async (url) => {
  fetched.push(url);
  const answer = url === "openapi.json" ? spec : { error_code: 0 };
  return {
    ok: true,
    status: 200,
    statusText: "OK",
    json: async () => answer,
    text: async () => JSON.stringify(answer),
  };
};

/** Opens every closed section, so lazy parts render, down to `depth` nested sections. */
function openAll(node, depth) {
  if (node.tag === "details") {
    if (depth === 0) return;
    depth -= 1;
    if (!node.open) {
      node.open = true;
      for (const listener of node.listeners.toggle || []) listener();
    }
  }
  for (const child of node.children) openAll(child, depth);
}

function find(node, tag, found) {
  if (node.tag === tag) found.push(node);
  for (const child of node.children) find(child, tag, found);
  return found;
}

(async () => {
  require("vm").runInThisContext(fs.readFileSync(scriptPath, "utf8"), { filename: scriptPath });
  await documentListeners.DOMContentLoaded();
  if (elements.subtitle.className === "error") throw new Error(elements.subtitle.textContent);
  openAll(elements.main, 8);
  for (const button of find(elements.main, "button", [])) {
    for (const listener of button.listeners.click || []) await listener();
  }
  const text = elements.main.textContent + elements.nav.textContent;
  process.stdout.write(JSON.stringify({ text: text, fetched: fetched }));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});

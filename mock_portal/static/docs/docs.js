/*
 * portalsim API documentation: renders this portal's OpenAPI document, with no dependency.
 *
 * Why not a bundled Swagger UI: the page must work on networks without internet access and be
 * small enough to read. Everything is built with DOM calls and textContent (never innerHTML),
 * so text from the document cannot inject markup, and the only requests go to this portal's
 * own origin (the page's Content-Security-Policy enforces it).
 */
"use strict";

(function () {
  const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
  const SCHEMAS = "#/components/schemas/";
  let spec = null;

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function code(text) {
    return el("code", { text: text });
  }

  /** `items` with `separator` between them. */
  function joined(items, separator) {
    return items.flatMap((item, index) => (index ? [separator, item] : [item]));
  }

  function methodBadge(method) {
    return el("span", { class: "method " + method }, method.toUpperCase());
  }

  /** The JSON media type object of a request body or response, if it has one. */
  function jsonMedia(holder) {
    return holder && holder.content ? holder.content["application/json"] : undefined;
  }

  /** The form media type object of a request body (OAuth 2.0 endpoints), if it has one. */
  function formMedia(holder) {
    return holder && holder.content
      ? holder.content["application/x-www-form-urlencoded"]
      : undefined;
  }

  function pretty(value) {
    return JSON.stringify(value, null, 2);
  }

  /** A <details> whose content is built when first opened: recursion stays lazy. */
  function lazyDetails(summary, build, open) {
    const details = el("details", { class: "nested" }, el("summary", {}, summary));
    let built = false;
    const fill = () => {
      if (details.open && !built) {
        built = true;
        details.append(build());
      }
    };
    details.addEventListener("toggle", fill);
    if (open) {
      details.open = true;
      fill();
    }
    return details;
  }

  // ---- Markdown (the subset the document uses: headings, lists, tables, code, bold) ---------

  function inline(text) {
    const fragment = document.createDocumentFragment();
    const token = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
    let last = 0;
    for (const match of text.matchAll(token)) {
      fragment.append(text.slice(last, match.index));
      const part = match[0];
      if (part.startsWith("`")) fragment.append(code(part.slice(1, -1)));
      else if (part.startsWith("**")) fragment.append(el("strong", {}, inline(part.slice(2, -2))));
      else {
        const [, label, href] = part.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
        // Only links inside the page: the document never sends the reader elsewhere.
        fragment.append(href.startsWith("#") ? el("a", { href: href }, inline(label)) : label);
      }
      last = match.index + part.length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function tableRow(line, cell) {
    const cells = line.trim().replace(/^\||\|$/g, "").split("|");
    return el("tr", {}, cells.map((text) => el(cell, {}, inline(text.trim()))));
  }

  function markdown(text) {
    const out = el("div", { class: "markdown" });
    const lines = (text || "").split("\n");
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (!line.trim()) {
        i += 1;
        continue;
      }
      const heading = line.match(/^(#{1,4})\s+(.*)$/);
      if (heading) {
        out.append(el("h" + Math.min(heading[1].length + 2, 6), {}, inline(heading[2])));
        i += 1;
      } else if (line.startsWith("|")) {
        const table = el("table");
        const head = el("thead", {}, tableRow(line, "th"));
        const body = el("tbody");
        i += 1;
        while (i < lines.length && lines[i].startsWith("|")) {
          if (!/^\|[\s:|-]+\|$/.test(lines[i].trim())) body.append(tableRow(lines[i], "td"));
          i += 1;
        }
        table.append(head, body);
        out.append(el("div", { class: "table-wrap" }, table));
      } else if (/^([-*]|\d+\.)\s+/.test(line)) {
        const ordered = /^\d+\./.test(line);
        const list = el(ordered ? "ol" : "ul");
        while (i < lines.length && /^([-*]|\d+\.)\s+/.test(lines[i])) {
          list.append(el("li", {}, inline(lines[i].replace(/^([-*]|\d+\.)\s+/, ""))));
          i += 1;
        }
        out.append(list);
      } else {
        const paragraph = [];
        while (i < lines.length && lines[i].trim() && !/^(#|\||[-*]\s|\d+\.\s)/.test(lines[i])) {
          paragraph.push(lines[i].trim());
          i += 1;
        }
        out.append(el("p", {}, inline(paragraph.join(" "))));
      }
    }
    return out;
  }

  // ---- Schemas -----------------------------------------------------------------------------

  function pointer(ref) {
    if (!ref.startsWith("#")) return undefined;
    let node = spec;
    for (const raw of ref.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (node === undefined || node === null) return undefined;
      node = node[key];
    }
    return node;
  }

  function componentName(ref) {
    return ref.startsWith(SCHEMAS) ? ref.slice(SCHEMAS.length) : ref;
  }

  /** The schema with its `$ref` followed; the referring schema's own keys win (descriptions). */
  function resolved(schema) {
    let current = schema || {};
    const seen = new Set();
    while (current.$ref && !seen.has(current.$ref)) {
      seen.add(current.$ref);
      const { $ref, ...own } = current;
      current = Object.assign({}, pointer($ref) || {}, own);
    }
    return current;
  }

  function schemaLink(ref) {
    const name = componentName(ref);
    return el("a", { href: "#schema-" + name, class: "ref" }, name);
  }

  function typeLabel(schema) {
    if (schema.$ref) return schemaLink(schema.$ref);
    const s = resolved(schema);
    if (s.oneOf || s.anyOf) {
      const label = s.oneOf ? "một trong / one of" : "bất kỳ / any of";
      return el("span", {}, label);
    }
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.length === 1 && types[0] === "array" && s.items) {
      return el("span", {}, "array of ", typeLabel(s.items));
    }
    if (types.length) return el("span", {}, types.join(" | "));
    if (s.const !== undefined) return el("span", {}, typeof s.const);
    return el("span", { class: "muted" }, "bất kỳ / any");
  }

  /** Constraints a reader must meet, from the schema and the `allOf`/`if`-`then` it carries. */
  function constraints(schema) {
    const s = resolved(schema);
    const out = [];
    const rule = s["x-rule"] ? " (" + s["x-rule"] + ")" : "";
    if (s.const !== undefined) out.push(["= ", code(JSON.stringify(s.const)), rule]);
    if (s.enum) {
      const values = s.enum.map((value) => code(JSON.stringify(value)));
      out.push(["một trong / one of: ", joined(values, ", "), rule]);
    }
    if (s.pattern) out.push(["mẫu / pattern: ", code(s.pattern), rule]);
    if (s.format) out.push(["định dạng / format: ", code(s.format)]);
    for (const [key, label] of [
      ["minLength", "độ dài tối thiểu / min length"],
      ["maxLength", "độ dài tối đa / max length"],
      ["minimum", "tối thiểu / minimum"],
      ["maximum", "tối đa / maximum"],
      ["minItems", "số phần tử tối thiểu / min items"],
      ["maxItems", "số phần tử tối đa / max items"],
    ]) {
      if (s[key] !== undefined) out.push([label + ": ", code(String(s[key]))]);
    }
    for (const member of s.allOf || []) out.push(...constraints(member));
    if (s.if && s.then) {
      const when = condition(s.if);
      const then = condition(s.then);
      if (then.length) {
        const condition = when.length ? when.map((c) => el("span", {}, c)) : [typeLabel(s.if)];
        const consequence = then.map((c) => el("span", {}, c));
        out.push(["khi / when ", joined(condition, "; "), " → ", joined(consequence, "; ")]);
      }
    }
    return out;
  }

  /** The constraints of an `if` or `then` subschema, its fields' and required names included. */
  function condition(schema) {
    const s = resolved(schema);
    const out = constraints(schema);
    for (const [name, property] of Object.entries(s.properties || {})) {
      for (const parts of constraints(property)) out.push([code(name), " ", parts]);
    }
    if (s.required && s.required.length) {
      out.push(["bắt buộc / required: ", joined(s.required.map(code), ", ")]);
    }
    return out;
  }

  function hasStructure(schema) {
    const s = resolved(schema);
    if (s.properties || s.oneOf || s.anyOf) return true;
    return Boolean(s.items && hasStructure(s.items));
  }

  function fieldRow(name, schema, required) {
    const s = resolved(schema);
    const notes = constraints(schema).map((parts) => el("li", {}, parts));
    const description = el(
      "td",
      {},
      s.description ? markdown(s.description) : null,
      notes.length ? el("ul", { class: "constraints" }, notes) : null,
    );
    if (hasStructure(schema)) {
      const inner = s.items && !s.properties ? s.items : schema;
      description.append(lazyDetails("chi tiết / details", () => schemaView(inner)));
    }
    return el(
      "tr",
      {},
      el(
        "td",
        { class: "field" },
        code(name),
        required ? el("span", { class: "required", title: "bắt buộc / required" }, " *") : null,
      ),
      el("td", { class: "type" }, typeLabel(schema)),
      description,
    );
  }

  function schemaView(schema) {
    const s = resolved(schema);
    const view = el("div", { class: "schema" });
    if (schema.$ref) {
      view.append(el("p", { class: "muted" }, "Lược đồ / schema: ", schemaLink(schema.$ref)));
    }
    const variants = s.oneOf || s.anyOf;
    if (variants) {
      view.append(el("p", {}, s.oneOf ? "Một trong — one of:" : "Bất kỳ trong — any of:"));
      if (s.discriminator) {
        view.append(
          el("p", { class: "muted" }, "Chọn theo / chosen by ", code(s.discriminator.propertyName)),
        );
      }
      for (const variant of variants) {
        const r = resolved(variant);
        const label = el(
          "span",
          {},
          variant.$ref ? schemaLink(variant.$ref) : typeLabel(variant),
          r.title ? " — " + r.title : "",
        );
        view.append(lazyDetails(label, () => schemaView(variant)));
      }
    }
    const properties = s.properties || {};
    const names = Object.keys(properties);
    if (names.length) {
      const required = new Set(s.required || []);
      const table = el(
        "table",
        { class: "fields" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { text: "trường / field" }),
            el("th", { text: "kiểu / type" }),
            el("th", { text: "mô tả / description" }),
          ),
        ),
        el("tbody", {}, names.map((name) => fieldRow(name, properties[name], required.has(name)))),
      );
      view.append(el("div", { class: "table-wrap" }, table));
      if (required.size) {
        view.append(el("p", { class: "muted small" }, "* bắt buộc / required"));
      }
      const rules = constraints(schema).map((parts) => el("li", {}, parts));
      if (rules.length) view.append(el("ul", { class: "constraints" }, rules));
    } else if (s.items) {
      view.append(el("p", {}, "Mảng / array of ", typeLabel(s.items)));
      if (hasStructure(s.items)) view.append(schemaView(s.items));
    } else if (!variants) {
      const notes = constraints(schema).map((parts) => el("li", {}, parts));
      view.append(el("p", {}, "Kiểu / type: ", typeLabel(schema)));
      if (notes.length) view.append(el("ul", { class: "constraints" }, notes));
    }
    if (s.additionalProperties === false) {
      view.append(el("p", { class: "muted small" }, "không nhận trường khác / no other fields"));
    }
    return view;
  }

  // ---- Examples and the "try it" panel ------------------------------------------------------

  function examplesOf(media) {
    if (media.examples) return Object.entries(media.examples).map(([k, v]) => [k, v]);
    if (media.example !== undefined) return [["example", { value: media.example }]];
    return [];
  }

  /** A picker over the examples and the <pre> showing the chosen one; `onPick` hears changes. */
  function examplesView(media, onPick) {
    const examples = examplesOf(media);
    if (!examples.length) return null;
    const shown = el("pre", { class: "example" });
    const show = (index) => {
      const value = examples[index][1].value;
      shown.textContent = pretty(value);
      if (onPick) onPick(value);
    };
    const picker = el(
      "select",
      { "aria-label": "ví dụ / example", onchange: (event) => show(Number(event.target.value)) },
      examples.map(([name, example], index) =>
        el(
          "option",
          { value: String(index) },
          example.summary ? name + " — " + example.summary : name,
        ),
      ),
    );
    show(0);
    return el("div", { class: "examples" }, el("label", {}, "Ví dụ / example: ", picker), shown);
  }

  function tryIt(path, method, operation) {
    const panel = el("div", { class: "try" });
    const inputs = {};
    for (const parameter of operation.parameters || []) {
      if (parameter.in !== "path") continue;
      inputs[parameter.name] = el("input", { type: "text", placeholder: parameter.name });
      panel.append(el("label", {}, code(parameter.name), " ", inputs[parameter.name]));
    }
    const operator = (operation.security || []).some((r) => "operatorToken" in r);
    const token = operator
      ? el("input", { type: "password", placeholder: "Bearer token", autocomplete: "off" })
      : null;
    if (token) panel.append(el("label", {}, "Mã vận hành / operator token: ", token));
    const media = jsonMedia(operation.requestBody);
    const body = media ? el("textarea", { rows: "12", spellcheck: "false" }) : null;
    if (body) panel.append(body);
    const result = el("pre", { class: "result", "aria-live": "polite" });
    const send = async () => {
      let url = path;
      for (const [name, input] of Object.entries(inputs)) {
        url = url.replace("{" + name + "}", encodeURIComponent(input.value));
      }
      const headers = {};
      if (body) headers["Content-Type"] = "application/json";
      if (token && token.value) headers["Authorization"] = "Bearer " + token.value;
      result.textContent = "…";
      try {
        const response = await fetch(url, {
          method: method.toUpperCase(),
          headers: headers,
          body: body ? body.value : undefined,
          credentials: "same-origin",
        });
        const text = await response.text();
        let shown = text;
        try {
          shown = pretty(JSON.parse(text));
        } catch (_) {
          // not JSON: show it as it came
        }
        result.textContent = response.status + " " + response.statusText + "\n\n" + shown;
      } catch (error) {
        result.textContent = String(error);
      }
    };
    panel.append(el("button", { type: "button", onclick: send }, "Gửi / send"), result);
    return {
      panel: panel,
      fill: (value) => {
        if (body) body.value = pretty(value);
      },
    };
  }

  // ---- Operations and the page ---------------------------------------------------------------

  function operationId(path, method, operation) {
    return "op-" + (operation.operationId || method + path.replace(/[^A-Za-z0-9]+/g, "-"));
  }

  function operationView(path, method, operation) {
    const section = el(
      "section",
      { class: "operation", id: operationId(path, method, operation) },
      el("h2", {}, methodBadge(method), " ", code(path)),
    );
    if (operation.summary) section.append(el("p", { class: "summary" }, operation.summary));
    if (operation.description) section.append(markdown(operation.description));
    if (operation.security && operation.security.length) {
      const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
      section.append(
        el(
          "p",
          { class: "security" },
          "Cần xác thực / requires: ",
          joined(schemes.map(code), ", "),
        ),
      );
    }
    const parameters = operation.parameters || [];
    if (parameters.length) {
      section.append(el("h3", { text: "Tham số / parameters" }));
      const rows = parameters.map((p) =>
        el(
          "tr",
          {},
          el("td", {}, code(p.name), p.required ? el("span", { class: "required" }, " *") : null),
          el("td", { text: p.in }),
          el("td", {}, typeLabel(p.schema || {})),
          el("td", {}, p.description ? markdown(p.description) : null),
        ),
      );
      section.append(el("table", { class: "fields" }, el("tbody", {}, rows)));
    }
    const trial = tryIt(path, method, operation);
    const form = formMedia(operation.requestBody);
    if (form && form.schema) {
      section.append(
        el("h3", {}, "Thân yêu cầu / request body ", code("application/x-www-form-urlencoded")),
      );
      section.append(schemaView(form.schema));
    }
    const media = jsonMedia(operation.requestBody);
    if (media) {
      section.append(el("h3", { text: "Thân yêu cầu / request body" }));
      if (media.schema) section.append(schemaView(media.schema));
      const examples = examplesView(media, trial.fill);
      if (examples) section.append(examples);
    }
    section.append(el("h3", { text: "Trả lời / responses" }));
    for (const [status, response] of Object.entries(operation.responses || {})) {
      const content = jsonMedia(response);
      const label = el("span", {}, el("span", { class: "status s" + status[0] }, status), " ");
      label.append(inline(response.description || ""));
      section.append(
        lazyDetails(
          label,
          () => {
            const inner = el("div", { class: "response" });
            for (const [name, header] of Object.entries(response.headers || {})) {
              inner.append(el("p", {}, "Header ", code(name), ": ", header.description || ""));
            }
            if (content && content.schema) inner.append(schemaView(content.schema));
            if (content) {
              const examples = examplesView(content);
              if (examples) inner.append(examples);
            }
            return inner;
          },
          status === "200",
        ),
      );
    }
    section.append(lazyDetails("Thử gọi / try it", () => trial.panel));
    return section;
  }

  function render() {
    const info = spec.info || {};
    document.title = info.title || document.title;
    document.getElementById("title").textContent = info.title || "API";
    const subtitle = document.getElementById("subtitle");
    subtitle.textContent = "";
    subtitle.append(
      info.summary ? info.summary + " · " : "",
      "OpenAPI " + spec.openapi + " · version " + (info.version || "?") + " · ",
      el("a", { href: "openapi.json" }, "openapi.json"),
    );
    const main = document.getElementById("main");
    const nav = document.getElementById("nav");
    main.textContent = "";
    nav.textContent = "";
    main.append(el("section", { class: "intro" }, markdown(info.description || "")));

    const tags = new Map((spec.tags || []).map((tag) => [tag.name, []]));
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const tag = (operation.tags || ["other"])[0];
        if (!tags.has(tag)) tags.set(tag, []);
        tags.get(tag).push([path, method, operation]);
      }
    }
    const descriptions = new Map((spec.tags || []).map((tag) => [tag.name, tag.description]));
    for (const [tag, operations] of tags) {
      if (!operations.length) continue;
      nav.append(el("h2", { text: tag }));
      nav.append(
        el(
          "ul",
          {},
          operations.map(([path, method, operation]) =>
            el(
              "li",
              {},
              el(
                "a",
                { href: "#" + operationId(path, method, operation) },
                methodBadge(method),
                " ",
                path,
              ),
            ),
          ),
        ),
      );
      main.append(el("h2", { class: "tag", id: "tag-" + tag }, tag));
      if (descriptions.get(tag)) main.append(markdown(descriptions.get(tag)));
      for (const [path, method, operation] of operations) {
        main.append(operationView(path, method, operation));
      }
    }

    const schemas = (spec.components || {}).schemas || {};
    nav.append(el("h2", { text: "Lược đồ / schemas" }));
    nav.append(
      el(
        "ul",
        { class: "schemas" },
        Object.keys(schemas).map((name) =>
          el("li", {}, el("a", { href: "#schema-" + name }, name)),
        ),
      ),
    );
    main.append(el("h2", { class: "tag", id: "schemas" }, "Lược đồ / schemas"));
    for (const [name, schema] of Object.entries(schemas)) {
      main.append(
        el(
          "section",
          { class: "component", id: "schema-" + name },
          el("h3", {}, code(name), schema.title ? " — " + schema.title : ""),
          lazyDetails("lược đồ / schema", () =>
            el(
              "div",
              {},
              schema.description ? markdown(schema.description) : null,
              schemaView(schema),
            ),
          ),
        ),
      );
    }
    if (location.hash) {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  async function load() {
    const url = document.body.dataset.spec || "openapi.json";
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      spec = await response.json();
      render();
    } catch (error) {
      const subtitle = document.getElementById("subtitle");
      subtitle.textContent = "Không tải được tài liệu / could not load the document: " + error;
      subtitle.className = "error";
    }
  }

  document.addEventListener("DOMContentLoaded", load);
})();

// Building the DOM from data without HTML strings: every text the host sends is set as a text
// node or an attribute, so a table or database name can never become markup or script.
// Invariant: no innerHTML / insertAdjacentHTML anywhere in webviews.

type Child = Node | string | number | false | null | undefined;

/**
 * An element with attributes (string values; `true` = present) and children.
 * @example h('span', { class: 'tag' }, 'pre-restore')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K | string,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

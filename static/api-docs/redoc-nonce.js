"use strict";
// Loaded before ReDoc, for the portal's Content-Security-Policy:
// - every <style> element the page creates carries the page's nonce from the moment it exists
//   (ReDoc's bundle creates some of them empty, before its own `nonce` option is read, and the
//   policy would refuse those);
// - an image of another host (ReDoc's logo in its menu, from its maker's CDN) is not asked for:
//   the intranet cannot reach it and the policy forbids it. ReDoc hides an image that fails.
(function () {
  const nonce = document.currentScript.nonce;
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tagName, options) {
    const element = createElement.call(this, tagName, options);
    if (nonce && String(tagName).toLowerCase() === "style") {
      element.setAttribute("nonce", nonce);
    }
    return element;
  };
  function local(value) {
    const url = new URL(String(value), document.baseURI);
    const remote = (url.protocol === "http:" || url.protocol === "https:") && url.origin !== location.origin;
    return remote ? "data:," : value;
  }
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src") {
      value = local(value);
    }
    return setAttribute.call(this, name, value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, local(value));
    },
  });
})();

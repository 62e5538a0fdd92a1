// The captcha's "other characters" button: asks django-simple-captcha for a new challenge and swaps
// the picture, the recording and the hidden key in place, so that the rest of the form keeps what
// the citizen typed. Served from static/ (no inline script under the Content-Security-Policy); the
// button stays hidden without JavaScript.
(function () {
  "use strict";

  document.querySelectorAll(".captcha-widget[data-refresh-url]").forEach(function (widget) {
    var button = widget.querySelector(".captcha-refresh");
    var image = widget.querySelector("img.captcha");
    var audio = widget.querySelector("audio");
    var key = widget.querySelector("input[type=hidden]");
    var answer = widget.querySelector("input[type=text], input:not([type])");
    if (!button || !image || !key) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(widget.getAttribute("data-refresh-url"), {
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        key.value = data.key;
        image.src = data.image_url;
        if (audio && data.audio_url) {
          audio.src = data.audio_url;
          var fallback = audio.querySelector("a");
          if (fallback) { fallback.href = data.audio_url; }
        }
        if (answer) { answer.value = ""; answer.focus(); }
      }).catch(function () {
        // Nothing to swap: the citizen can still reload the page.
      }).then(function () {
        button.disabled = false;
      });
    });
  });
})();

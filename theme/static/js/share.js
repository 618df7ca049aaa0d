/* Share widget: copy link, native share and a bookmark hint. Without this file
   the plain share links still work; these controls stay hidden. */
(() => {
  const box = document.querySelector("[data-share-tools]");
  if (!box) return;
  const $ = (s) => box.querySelector(s);
  const status = $("[data-share-status]");
  const say = (text) => { status.textContent = text; };
  const copy = $("[data-copy]");
  const url = new URL(copy.dataset.copy, location.href).href;
  if (navigator.clipboard && window.isSecureContext) {
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(url).then(
        () => say("Link copied to the clipboard."),
        () => say("Could not copy the link. Copy it from the address bar instead.")
      );
    });
  } else {
    copy.hidden = true;
  }
  const share = $("[data-native-share]");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator.share({ title: document.title, url }).catch((e) => {
        if (e.name !== "AbortError") say("Sharing did not work here. Try a link above.");
      });
    });
  }
  if (!matchMedia("(pointer: coarse)").matches) {
    const data = navigator.userAgentData;
    const mac = /mac/i.test((data && data.platform) || navigator.userAgent);
    $("[data-bookmark-hint] kbd").textContent = mac ? "⌘D" : "Ctrl+D";
    $("[data-bookmark-hint]").hidden = false;
  }
  box.hidden = false;
})();

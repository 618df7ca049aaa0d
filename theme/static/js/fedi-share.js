/* "Share to your server": send the reader straight to their own Mastodon or
   diaspora* server's share form. No third-party redirector is involved. */
(() => {
  const form = document.querySelector("[data-fedi-form]");
  if (!form) return;
  const q = new URLSearchParams(location.search);
  const title = q.get("title") || "";
  const url = q.get("url") || "";
  const diaspora = q.get("to") === "diaspora";
  const text = (title + " " + url).trim();
  if (!url) {
    // Opened directly: nothing to share, so explain instead of showing a form.
    const empty = document.querySelector("[data-fedi-empty]");
    if (empty) empty.hidden = false;
    return;
  }
  const input = form.querySelector("input");
  form.querySelector("[data-fedi-text]").textContent = text;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const host = input.value.trim().replace(/^https?:\/\//i, "")
      .replace(/[/?#].*$/, "").split("@").pop().toLowerCase();
    if (!/^([a-z0-9-]+\.)+[a-z0-9-]{2,}(:\d+)?$/.test(host)) {
      form.querySelector("[data-fedi-status]").textContent =
        "Type a server name such as example.social.";
      input.focus();
      return;
    }
    const to = new URL("https://" + host + (diaspora ? "/bookmarklet" : "/share"));
    if (diaspora) {
      to.searchParams.set("url", url);
      to.searchParams.set("title", title);
    } else {
      to.searchParams.set("text", text);
    }
    location.assign(to.href);
  });
  form.hidden = false;
})();

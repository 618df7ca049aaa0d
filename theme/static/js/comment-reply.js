/* Optional: replies in place and a token on first focus. Without it, Reply
   links open the receiver's reply page and it asks to confirm a comment. */
(() => {
  const form = document.getElementById("commentform");
  const respond = document.getElementById("respond");
  const title = document.getElementById("reply-title");
  if (!form || !respond || !title || !form.dataset.tokenUrl) return;
  const { parent, token, comment } = form.elements;
  let asked = false;
  form.addEventListener("focusin", () => {
    if (asked) return;
    asked = true;
    fetch(form.dataset.tokenUrl, { credentials: "omit", cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((d) => { if (d && typeof d.token === "string") token.value = d.token; })
      .catch(() => {});
  });
  const heading = document.createElement("span");
  const original = (heading.textContent = title.textContent);
  const cancel = document.createElement("a");
  cancel.id = "cancel-comment-reply-link";
  cancel.href = "#respond";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;
  title.replaceChildren(heading, " ", cancel);
  const home = document.createElement("div");
  home.hidden = true;
  respond.before(home);
  let from = null;
  const place = (spot, id, text, link) => {
    spot.after(respond);
    parent.value = id;
    heading.textContent = text;
    cancel.hidden = !link;
    from = link;
  };
  document.addEventListener("click", (e) => {
    const link = e.target.closest(".comment-reply-link");
    const body = link && link.closest(".comment-body");
    const id = body && new URL(link.href).searchParams.get("parent");
    if (!id) return;
    e.preventDefault();
    const name = body.querySelector(".fn");
    place(body, id, name ? `Leave a Reply to ${name.textContent.trim()}` : original, link);
    comment.focus();
  });
  cancel.addEventListener("click", (e) => {
    e.preventDefault();
    const link = from;
    place(home, "", original, null);
    if (link) link.focus();
  });
})();

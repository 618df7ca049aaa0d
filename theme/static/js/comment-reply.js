/* Comment form helpers. Without this file everything still works: a "Reply" link
   opens the receiver's reply page, and the receiver asks the visitor to confirm
   a comment that came without a token. With it, a reply is written in place (the
   form moves under the comment and remembers its parent), and the form fetches a
   token when first focused, so the confirm step is skipped. */
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
      .then((data) => {
        if (data && typeof data.token === "string") token.value = data.token;
      })
      .catch(() => {}); // no token: the receiver's confirm page still works
  });

  const heading = document.createElement("span");
  heading.textContent = title.textContent;
  const original = heading.textContent;
  const cancel = document.createElement("a");
  cancel.id = "cancel-comment-reply-link";
  cancel.href = "#respond";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;
  const small = document.createElement("small");
  small.append(cancel);
  title.replaceChildren(heading, " ", small);
  const home = document.createElement("div"); // where the form goes back to
  home.hidden = true;
  respond.before(home);
  let from = null;

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".comment-reply-link");
    if (!link) return;
    const id = new URL(link.href).searchParams.get("parent");
    const body = link.closest(".comment-body");
    if (!id || !body) return;
    event.preventDefault();
    body.after(respond);
    parent.value = id;
    const name = body.querySelector(".fn");
    heading.textContent = name ? `Leave a Reply to ${name.textContent.trim()}` : original;
    cancel.hidden = false;
    from = link;
    comment.focus();
  });

  cancel.addEventListener("click", (event) => {
    event.preventDefault();
    home.after(respond);
    parent.value = "";
    heading.textContent = original;
    cancel.hidden = true;
    if (from) from.focus();
    from = null;
  });
})();

// The reading age and jargon of what is written (asked of the server: Haven's one estimate), for
// every form with data-readability-url: its [data-readability] fields are read together and the
// answer shown in its [data-readability-panel]. Case notes and plans written to the child use it.
// The case note form ([data-casenote-form]) also keeps a draft saved on the server as the worker
// types.
const say = (element, text) => { if (element) element.textContent = text; };

for (const form of document.querySelectorAll("form[data-readability-url]")) {
  const panel = form.querySelector("[data-readability-panel]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let readTimer = null;

  function text() {
    return Array.from(form.querySelectorAll("[data-readability]"))
      .map((area) => area.value).join("\n\n");
  }

  async function readingAge() {
    const body = new FormData();
    body.append("text", text());
    body.append("csrfmiddlewaretoken", token);
    try {
      const response = await fetch(form.dataset.readabilityUrl, {
        method: "POST", body, credentials: "same-origin",
      });
      const answer = await response.json();
      if (answer.error) { say(panel, answer.error); return; }
      let message = answer.message;
      if (answer.jargon.length) {
        message += " Words a child may not know: " + answer.jargon
          .map((j) => `"${j.term}" (say ${j.instead})`).join("; ") + ".";
      }
      say(panel, message);
    } catch (error) { /* the estimate is shown again after saving */ }
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("[data-readability]")) {
      clearTimeout(readTimer);
      readTimer = setTimeout(readingAge, 600);
    }
  });
}

const form = document.querySelector("[data-casenote-form]");
if (form) {
  const status = document.getElementById("autosave-status");
  let dirty = false;
  let saving = false;
  let saveTimer = null;

  async function autosave() {
    if (!dirty || saving) return;
    saving = true;
    dirty = false;
    const data = new FormData(form);
    data.append("autosave", "1");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!(response.headers.get("Content-Type") || "").includes("application/json")) {
        // Signed out: what was posted is kept and given back after signing in again.
        say(status, "You have been signed out. What you typed is kept: sign in again to carry on.");
        return;
      }
      const answer = await response.json();
      if (answer.saved) {
        form.action = answer.url;
        const version = form.querySelector("input[name=version]");
        if (version) version.value = answer.version;
        if (window.location.pathname !== answer.url) window.history.replaceState(null, "", answer.url);
        say(status, `Draft saved at ${answer.at}. Only you can see it.`);
      } else {
        say(status, `Draft not saved yet: ${answer.errors.join(" ")}`);
      }
    } catch (error) {
      dirty = true;
      say(status, "Draft not saved: check your connection. Use Save draft.");
    } finally {
      saving = false;
    }
  }

  form.addEventListener("input", () => {
    dirty = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(autosave, 2000);
  });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; clearTimeout(saveTimer); });
  setInterval(autosave, 15000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") autosave();
  });
}

// notrain's shared page behaviour, loaded on every page. Everything here improves a page that
// already works without it: progress that updates itself, copy buttons, files dropped on a
// drop zone, and a question before a destructive button.
"use strict";

const notrain = (() => {
  const token = () => document.querySelector('meta[name="csrf-token"]').content;

  // A POST from a script, with the session's CSRF token (same origin, so the Origin matches).
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRF-Token": token(), Accept: "application/json" },
      credentials: "same-origin",
    });
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (!response.ok) {
      const message = (data && data.error) || `notrain answered ${response.status}.`;
      const failure = new Error(message);
      failure.hint = data && data.hint;
      throw failure;
    }
    return data;
  }

  // [data-job]: poll the job's progress; reload the page when it has finished.
  function watchJob(section) {
    const id = section.dataset.job;
    const bar = section.querySelector("progress");
    const status = section.querySelector(".job__status");
    const tick = async () => {
      let job;
      try {
        const response = await fetch(`/jobs/${encodeURIComponent(id)}.json`, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        job = await response.json();
      } catch (error) {
        status.textContent = "Cannot reach notrain: is it still running? Trying again…";
        window.setTimeout(tick, 3000);
        return;
      }
      if (job.finished) {
        window.location.reload();
        return;
      }
      const p = job.progress || {};
      if (p.total) {
        bar.max = p.total;
        bar.value = p.done || 0;
        status.textContent = `${p.done || 0} of ${p.total} done${p.current ? " · " + p.current : ""}`;
      } else {
        status.textContent = job.status === "queued" ? "Waiting to start…" : `Working…${p.current ? " " + p.current : ""}`;
      }
      window.setTimeout(tick, 1000);
    };
    window.setTimeout(tick, 500);
  }

  // button[data-copy="element-id"]: copy that element's text (or value).
  function copyButton(button) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      const text = "value" in source && source.value !== undefined ? source.value : source.textContent;
      let status = button.parentElement.querySelector(".copy-status");
      if (!status) {
        status = document.createElement("span");
        status.className = "copy-status";
        status.setAttribute("role", "status");
        button.after(status);
      }
      try {
        await navigator.clipboard.writeText(text.trim());
        status.textContent = "Copied.";
      } catch (error) {
        if (source.select) source.select();
        status.textContent = "Press Ctrl+C (⌘C on a Mac) to copy the selected text.";
      }
    });
  }

  // .dropzone: a label around a file input that also takes files dropped on it.
  function dropzone(zone) {
    const input = zone.querySelector('input[type="file"]');
    if (!input) return;
    const stop = (event) => { event.preventDefault(); event.stopPropagation(); };
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => { stop(event); zone.classList.add("is-dragging"); }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => { stop(event); zone.classList.remove("is-dragging"); }));
    zone.addEventListener("drop", (event) => {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const summary = zone.querySelector(".dropzone__chosen");
    if (summary) {
      input.addEventListener("change", () => {
        const count = input.files.length;
        summary.textContent = count === 0 ? "" : count === 1 ? `Chosen: ${input.files[0].name}` : `${count} files chosen`;
      });
    }
  }

  // form[data-confirm="question"]: ask before sending.
  function confirmForm(form) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // Every form that changes something is sent once: a double click or a second Enter while the
  // answer is on its way does not record a request twice. (Buttons are not disabled: a disabled
  // button's name and value would not be sent.)
  function sendOnce(form) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.sending === "yes") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "yes";
      form.setAttribute("aria-busy", "true");
    });
  }

  // Coming back with the browser's Back button shows the page as it was left: sendable again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-sending]").forEach((form) => {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    });
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-confirm]").forEach(confirmForm); // before sendOnce
    document.querySelectorAll('form[method="post"]').forEach(sendOnce);
    document.querySelectorAll("[data-job]").forEach(watchJob);
    document.querySelectorAll("button[data-copy]").forEach(copyButton);
    document.querySelectorAll(".dropzone").forEach(dropzone);
  });

  return { post, token };
})();

// The Protect form: send the chosen photos to notrain in small batches (a few thousand photos in
// one request would be slow to start and fragile), showing how far it is, then start the job.
// Without this script the form sends everything at once, which works too.
"use strict";

(() => {
  const BATCH_FILES = 25;
  const BATCH_BYTES = 50 * 1024 * 1024;
  const IMAGE = /\.(jpe?g|jpe|png|webp|heic|heif|hif|avif|tiff?)$/i;

  // Photos from the drop zone or the file picker, and the images in a chosen folder
  // (a folder also holds hidden files and other documents that are not photos).
  function chosenFiles(form) {
    const picked = Array.from(form.querySelector("#photos").files);
    const folder = Array.from(form.querySelector("#folder").files)
      .filter((file) => !file.name.startsWith(".") && IMAGE.test(file.name));
    return picked.concat(folder);
  }

  function batches(files) {
    const result = [];
    let current = [];
    let bytes = 0;
    for (const file of files) {
      if (current.length && (current.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
        result.push(current);
        current = [];
        bytes = 0;
      }
      current.push(file);
      bytes += file.size;
    }
    if (current.length) result.push(current);
    return result;
  }

  async function upload(form, files) {
    const status = form.querySelector("#upload-status");
    const bar = status.querySelector("progress");
    const text = status.querySelector(".protect-upload__text");
    const draft = form.querySelector("#draft");
    const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
    let sent = 0;
    let count = 0;
    status.hidden = false;
    bar.max = total;
    for (const batch of batches(files)) {
      text.textContent = `Uploading ${count + 1}–${count + batch.length} of ${files.length} photos…`;
      const body = new FormData();
      if (draft.value) body.append("draft", draft.value);
      batch.forEach((file) => body.append("photos", file, file.webkitRelativePath || file.name));
      const answer = await notrain.post("/protect/uploads", body);
      draft.value = answer.draft;
      count += batch.length;
      sent += batch.reduce((sum, file) => sum + file.size, 0);
      bar.value = sent;
    }
    text.textContent = `${files.length} photos uploaded. Starting…`;
  }

  function start(form) {
    form.addEventListener("submit", async (event) => {
      const files = chosenFiles(form);
      if (!files.length) return; // a folder on this computer, or photos uploaded before
      event.preventDefault();
      const button = form.querySelector("#protect-start");
      const text = form.querySelector(".protect-upload__text");
      button.disabled = true;
      try {
        await upload(form, files);
      } catch (error) {
        text.setAttribute("role", "alert");
        text.textContent = `The upload stopped: ${error.message} ${error.hint || ""} Try again.`;
        button.disabled = false;
        delete form.dataset.sending; // app.js sends a form once: this one may be sent again
        form.removeAttribute("aria-busy");
        return;
      }
      form.querySelectorAll("#photos, #folder").forEach((input) => { input.disabled = true; });
      form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("protect-form");
    if (form) start(form);
  });
})();

// Folio's members sections: decrypted in the browser with WebCrypto after the
// visitor types the password (PBKDF2-SHA256 → AES-256-GCM). Each encrypted
// file is a script that calls folioMembers.put(name, base64), so it loads
// from file:// as well as from a server. No other script runs on the site.
(() => {
  'use strict';
  const body = document.body;
  const root = body.dataset.folioRoot || '';
  const salt = body.dataset.folioSalt || '';
  const iterations = Number(body.dataset.folioIterations || 0);
  const remembered = 'folio-members-' + salt;
  // One load per file, however many images or sections ask for it.
  const loads = new Map();
  const waiting = new Map();

  window.folioMembers = {
    put(name, b64) {
      const w = waiting.get(name);
      if (w) { waiting.delete(name); w.resolve(b64); }
    },
  };

  const fromBase64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));

  function load(name) {
    if (!loads.has(name)) {
      const loading = new Promise((resolve, reject) => {
        waiting.set(name, { resolve, reject });
        const s = document.createElement('script');
        s.src = root + 'm/' + name + '.js';
        s.onerror = () => {
          waiting.delete(name);
          loads.delete(name);
          reject(new Error('missing file ' + name));
        };
        s.onload = () => {
          s.remove();
          // Loaded, but it did not hand over its ciphertext: a damaged file.
          if (waiting.has(name)) {
            waiting.delete(name);
            loads.delete(name);
            reject(new Error('damaged file ' + name));
          }
        };
        document.head.appendChild(s);
      });
      loads.set(name, loading);
    }
    return loads.get(name);
  }

  async function keyOf(raw) {
    return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
  }

  async function derive(password) {
    const base = await crypto.subtle.importKey(
      'raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(salt), iterations }, base, 256);
    return new Uint8Array(bits);
  }

  async function open(key, name) {
    const sealed = fromBase64(await load(name));
    // The file's name is bound to it (associated data).
    return crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.slice(0, 12), additionalData: new TextEncoder().encode(name) },
      key, sealed.slice(12));
  }

  async function reveal(el, key) {
    const html = new TextDecoder().decode(await open(key, el.dataset.folioMembers));
    // Folio wrote this HTML, and AES-GCM proves it was not changed since.
    const t = document.createElement('template');
    t.innerHTML = html;
    el.replaceChildren(t.content);
    for (const img of el.querySelectorAll('img[data-folio-src]')) {
      open(key, img.dataset.folioSrc)
        .then((bytes) => {
          img.src = URL.createObjectURL(new Blob([bytes], { type: img.dataset.folioType }));
        })
        .catch(() => { img.alt += ' (could not be loaded)'; });
    }
    for (const title of document.querySelectorAll('.members-title')) title.remove();
  }

  async function revealAll(raw) {
    const key = await keyOf(raw);
    const sections = [...document.querySelectorAll('[data-folio-members]')];
    await Promise.all(sections.map((el) => reveal(el, key)));
  }

  function say(form, text) {
    const status = form.querySelector('.status');
    if (status) status.textContent = text;
  }

  const forms = [...document.querySelectorAll('form.unlock')];
  if (!window.crypto || !crypto.subtle) {
    for (const form of forms) {
      form.hidden = false;
      say(form, 'This browser cannot decrypt this page here: open it over https, or from its folder on your computer.');
      for (const input of form.querySelectorAll('input, button')) input.disabled = true;
    }
    return;
  }
  for (const form of forms) {
    form.hidden = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const input = form.querySelector('input');
      say(form, 'Opening…');
      try {
        const raw = await derive(input.value);
        await revealAll(raw);
        try { sessionStorage.setItem(remembered, toBase64(raw)); } catch (_) { /* private mode */ }
      } catch (e) {
        // Only a failed decryption means a wrong password.
        say(form, e && e.name === 'OperationError'
          ? 'That password does not open this section.'
          : 'Part of this section could not be loaded (' + (e && e.message) + '). Try again later.');
        input.select();
      }
    });
  }
  let saved = null;
  try { saved = sessionStorage.getItem(remembered); } catch (_) { /* private mode */ }
  if (saved) revealAll(fromBase64(saved)).catch(() => sessionStorage.removeItem(remembered));
})();

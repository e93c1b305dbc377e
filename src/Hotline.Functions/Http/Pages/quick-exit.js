(function () {
  var exit = document.getElementById('quick-exit');
  if (!exit) { return; }
  var target = exit.href;
  var hint = document.getElementById('quick-exit-hint');
  // Only where there is a keyboard to press Shift on: a fine pointer and no touch screen.
  if (hint && window.matchMedia && window.matchMedia('(pointer: fine)').matches && !(navigator.maxTouchPoints > 0) && !('ontouchstart' in window)) { hint.hidden = false; }
  function leave(e) {
    if (e) { e.preventDefault(); }
    document.title = '';
    document.body.innerHTML = '';
    window.location.replace(target);
  }
  document.addEventListener('click', function (e) {
    if (e.target && e.target.closest && e.target.closest('#quick-exit')) { leave(e); }
  });
  document.addEventListener('keydown', function (e) {
    if ((e.key === ' ' || e.key === 'Spacebar') && e.target && e.target.id === 'quick-exit') { leave(e); }
  });
  var presses = 0, chord = false, timer = null;
  function reset() { presses = 0; if (timer) { clearTimeout(timer); timer = null; } }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Shift') { if (!e.repeat) { chord = false; } return; }
    chord = true;
    reset();
  });
  document.addEventListener('keyup', function (e) {
    if (e.key !== 'Shift' || chord) { return; }
    presses += 1;
    if (presses >= 3) { reset(); leave(); return; }
    if (!timer) { timer = setTimeout(reset, 5000); }
  });
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.FormData) { return; }
  function show(html) {
    var next = new DOMParser().parseFromString(html, 'text/html');
    document.title = next.title;
    document.documentElement.lang = next.documentElement.lang;
    document.documentElement.dir = next.documentElement.dir;
    document.body.innerHTML = next.body.innerHTML;
    var focus = document.getElementById('error-summary') || document.querySelector('h1');
    if (focus) { focus.setAttribute('tabindex', '-1'); focus.focus(); }
    var help = document.getElementById('quick-exit-hint');
    if (help && hint && !hint.hidden) { help.hidden = false; }
  }
  function keep(form, text) {
    // A refusal that could not give the draft back (too many, too large, no answer): the page stays as it is.
    var old = document.getElementById('error-summary');
    if (old) { old.parentNode.removeChild(old); }
    var box = document.createElement('div');
    box.id = 'error-summary'; box.className = 'error-summary'; box.setAttribute('role', 'alert'); box.setAttribute('tabindex', '-1');
    box.textContent = text || form.getAttribute('data-offline') || '';
    form.parentNode.insertBefore(box, form);
    box.focus();
  }
  var forms = ['tip-form', 'code-form', 'add-form'];
  function page(next) {
    for (var i = 0; i < forms.length; i++) { if (next.getElementById(forms[i])) { return true; } }
    return false;
  }
  function get(url) {
    fetch(url, { method: 'GET', headers: { 'Accept': 'text/html' }, credentials: 'omit', cache: 'no-store' }).then(function (response) {
      return response.text().then(function (html) {
        if (response.ok) { show(html); } else { window.location.assign(url); }
      });
    }, function () { window.location.assign(url); });
  }
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a[href]') : null;
    if (!a || a.id === 'quick-exit' || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
    if (a.origin !== window.location.origin || !/^\/(followup|api\/tips\/form)?$/.test(a.pathname)) { return; }
    e.preventDefault();
    get(a.href);
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    // Without SubmitEvent.submitter a language button cannot be told from Send: the browser does it natively.
    if (!form || forms.indexOf(form.id) < 0 || !('submitter' in e)) { return; }
    var via = e.submitter;
    var action = via && via.getAttribute('formaction') ? via.getAttribute('formaction') : form.getAttribute('action');
    e.preventDefault();
    var send = form.querySelector('button[data-sending]');
    var label = send ? send.textContent : '';
    if (send && via === send) { send.disabled = true; send.textContent = send.getAttribute('data-sending'); }
    fetch(action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { 'Accept': 'text/html' },
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.text().then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        if (response.ok || page(next)) { show(html); return; }
        if (send) { send.disabled = false; send.textContent = label; }
        var said = next.querySelector('.error');
        keep(form, said ? said.textContent : '');
      });
    }, function () {
      if (send) { send.disabled = false; send.textContent = label; }
      keep(form, '');
    });
  });
})();

// Chat behaviour that belongs in the browser (no inline scripts: the content security policy is script-src 'self').
// - The chat log follows a streaming answer unless the reader scrolled up; then a "Jump to latest" button appears.
// - Esc stops a streaming answer; Enter in the message box (or an edited message) sends without adding a new line (Shift+Enter: new line).
// - The Copy button on a code block copies its code.
// Everything works by event delegation and one observer, so it survives Blazor re-rendering and navigation.

const nearBottomPx = 48;

function logs() {
  return document.querySelectorAll('[data-testid="chat-log"]');
}

function isNearBottom(log) {
  return log.scrollHeight - log.scrollTop - log.clientHeight <= nearBottomPx;
}

function setAway(log, away) {
  // The wrapper's data-away is ours alone: Blazor never renders it, so a re-render never undoes it.
  const wrap = log.closest('.chat-log-wrap');
  if (wrap && (wrap.dataset.away === 'true') !== away) {
    wrap.dataset.away = away ? 'true' : 'false';
  }
}

// Scrolls to the end and remembers where that was: the scroll event it causes arrives a frame later, when more text
// may have come in, and must not be taken for the reader scrolling up.
function toEnd(log) {
  log.scrollTop = log.scrollHeight;
  log.wbFollowedTo = log.scrollTop;
}

function follow(log) {
  log.dataset.follow = 'true';
  toEnd(log);
  setAway(log, false);
}

// A log that changes size without its text changing (an alert appears above it, the window turns) stays at its end too.
const resized = new ResizeObserver(() => onContentChanged());

let pending = false;
function onContentChanged() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    for (const log of logs()) {
      if (!log.wbSized) {
        log.wbSized = true;
        resized.observe(log);
      }

      if (log.dataset.follow !== 'false') {
        toEnd(log);
      } else {
        setAway(log, !isNearBottom(log));
      }
    }
  });
}

// Scroll events do not bubble: listen in the capture phase for every chat log.
document.addEventListener('scroll', (event) => {
  const log = event.target;
  if (!(log instanceof Element) || log.dataset.testid !== 'chat-log') return;
  if (isNearBottom(log)) {
    log.dataset.follow = 'true';
    setAway(log, false);
  } else if (log.scrollTop < (log.wbFollowedTo ?? 0) - 4) {
    // The reader moved up from where the log was following: leave them there.
    log.dataset.follow = 'false';
    setAway(log, true);
  }
}, true);

// Attributes too: a class or data attribute can show a line (an answer's figures once it ends) without adding a node.
new MutationObserver(onContentChanged).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on the LAN has no clipboard API: the old way still works there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

document.addEventListener('click', async (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const copy = target?.closest('.code-copy');
  if (copy) {
    const code = copy.closest('.code-block')?.querySelector('pre');
    if (!code) return;
    try {
      await copyText(code.innerText);
      copy.textContent = 'Copied';
      copy.dataset.copied = 'true';
    } catch {
      copy.textContent = 'Copy failed';
    }
    setTimeout(() => { copy.textContent = 'Copy'; delete copy.dataset.copied; }, 1500);
    return;
  }

  const jump = target?.closest('.chat-jump');
  if (jump) {
    const log = jump.closest('.chat-log-wrap')?.querySelector('[data-testid="chat-log"]');
    if (log) follow(log);
    return;
  }

  // Sending a message means wanting to see its answer: follow again.
  if (target?.closest('[data-testid="chat-send"], [data-testid="chat-regenerate"], [data-testid="chat-edit-send"]')) {
    for (const log of logs()) follow(log);
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    const stop = document.querySelector('[data-testid="chat-stop"]');
    if (stop) {
      event.preventDefault();
      stop.click();
    }
    return;
  }

  const input = event.target instanceof Element ? event.target.closest('[data-testid="chat-input"], [data-testid="chat-edit-input"]') : null;
  if (input && event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    // The server sends on this key; the box must not grow a new line first.
    event.preventDefault();
    for (const log of logs()) follow(log);
  }
});

// A second launch (or a Dock click) can arrive right after 'ready', before the app protocol, IPC
// handlers and settings exist; a window opened then stays blank (issue 12 item 7). Requests wait
// behind this gate, which main opens once everything the page needs is set up.
export interface ShowGate {
  /** show the window now if open, else once it opens */
  request(): void;
  open(): void;
}

export function createShowGate(show: () => void): ShowGate {
  let opened = false;
  let pending = false;
  return {
    request() {
      if (opened) show();
      else pending = true;
    },
    open() {
      if (opened) return;
      opened = true;
      if (pending) {
        pending = false;
        show();
      }
    },
  };
}

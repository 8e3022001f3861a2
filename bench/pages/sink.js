// A worker that ignores what it is sent: the floor of a hand-off is one postMessage to it.
self.onmessage = () => {};

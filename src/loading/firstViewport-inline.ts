// Built to dist/pagepace.first-viewport.js: a script to inline at the end of <body>, so that a
// lazy hero image starts as soon as it is parsed instead of one round trip later, when a
// script file has arrived. It runs again once the document is whole, for images parsed after it.
import { promoteFirstViewport } from './firstViewport';

promoteFirstViewport();
if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', promoteFirstViewport, { once: true });

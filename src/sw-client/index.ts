// `pagepace/sw-client`: registration and update flow through workbox-window. Placeholder.
export {};

"""``itpm-site serve``: the dev server, its watcher, live reload, overlay and incremental rebuilds."""

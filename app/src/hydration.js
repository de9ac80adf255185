// Hydrates the page's islands once the page is on screen. Called with the
// app's JavaScript and WebAssembly addresses.
((js, wasm) => {
  const done = () => document.documentElement.setAttribute("data-hydrated", "");
  // Each island is hydrated by its own export; an island's server-rendered
  // children (<leptos-children>) take their reactive owner from the island
  // around them, which the island registers as it hydrates.
  const childrenOwners = [];
  const traverse = async (node, app) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      const hydrateIsland = app[node.dataset.component];
      if (hydrateIsland) {
        childrenOwners.at(-1)?.();
        await hydrateIsland(node);
      } else {
        console.error(`no WebAssembly export for the island ${node.dataset.component}`);
      }
      for (const child of node.children) await traverse(child, app);
    } else if (tag === "leptos-children") {
      childrenOwners.push(node.$$on_hydrate);
      for (const child of node.children) await traverse(child, app);
      childrenOwners.pop();
    } else {
      for (const child of node.children) await traverse(child, app);
    }
  };
  const start = async () => {
    // A page without islands needs no script at all.
    if (document.querySelector("leptos-island")) {
      const app = await import(js);
      await app.default({ module_or_path: wasm });
      app.hydrate();
      await traverse(document.body, app);
    }
    done();
  };
  // Once the browser reports the first contentful paint (the page's heading
  // and text): its time is when the frame reached the screen, so nothing
  // fetched from here can hold that paint back. Browsers without paint
  // timing start after the next frame.
  if (PerformanceObserver.supportedEntryTypes?.includes("paint")) {
    new PerformanceObserver((paints, observer) => {
      if (paints.getEntriesByName("first-contentful-paint").length > 0) {
        observer.disconnect();
        start();
      }
    }).observe({ type: "paint", buffered: true });
  } else {
    requestAnimationFrame(() => setTimeout(start, 0));
  }
})

"""What the map page tests share: the page's console errors and script failures, without the base map's tiles."""


def watch(page, live_url):
    """A list that collects console errors and script failures, but not a base map's tiles failing to load (tests
    block every request that is not to the live server; the landing overview may still be asking for them)."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not (
        m.text.startswith("Failed to load resource") and not m.location.get("url", "").startswith(live_url))
        else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems

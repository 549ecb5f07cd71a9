"""The Content-Security-Policy in a real Chromium: the site's own websocket works, an
injected inline script does not run."""

from tests.browser.base import PortalBrowserTestCase


class ContentSecurityPolicyInChromiumTests(PortalBrowserTestCase):
    def test_the_policy_allows_the_portals_websocket_and_blocks_inline_script(self):
        page = self.open_page()
        violations = []
        page.on("console", lambda message: violations.append(message.text))
        page.goto(self.url("/"))

        reply = page.evaluate(
            """() => new Promise((resolve, reject) => {
                const socket = new WebSocket(`ws://${location.host}/ws/health/`);
                socket.onmessage = (event) => { resolve(event.data); socket.close(); };
                socket.onerror = () => reject(new Error("websocket refused"));
            })"""
        )
        self.assertIn("hello", reply)

        # What an XSS would do: add an inline script to the page. It must not run.
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true;";
                document.body.append(script);
            }"""
        )
        self.assertIsNone(page.evaluate("() => window.injected"))
        self.assertTrue(any("Content Security Policy" in text for text in violations), violations)

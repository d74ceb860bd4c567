/* Public pages of pupils and guardians: the browser's own validation
 * messages in the page's language whatever the browser's (RGAA 11.10), each
 * shown under its field and tied to it (aria-describedby), the server's
 * error announced and linked to the field it is about (RGAA 11.10, 7.5),
 * and the wait before « Renvoyer le code » counted down.
 * Plain script (no Odoo module): these pages load no web client, so the
 * messages are not written here but in the page (#educonnect_messages,
 * template public_messages), translated by Odoo with the page. */
(function () {
    "use strict";

    /** The page's message ``key``, its {names} replaced by ``values``;
     *  null when the page has no such message. */
    function text(key, values) {
        var node = document.querySelector("#educonnect_messages [data-key='" + key + "']");
        if (!node) {
            return null;
        }
        return node.textContent.trim().replace(/\{(\w+)\}/g, function (all, name) {
            return values && name in values ? String(values[name]) : all;
        });
    }

    function message(input) {
        var v = input.validity;
        if (v.valueMissing) {
            return text(input.type === "email" ? "required_email" : "required");
        }
        if (v.typeMismatch && input.type === "email") {
            return text("email");
        }
        if (v.tooShort) {
            return text("too_short", {min: input.minLength, length: input.value.length});
        }
        if (v.patternMismatch) {
            var pattern = input.getAttribute("data-pattern");
            return (pattern && text("pattern_" + pattern)) || text("pattern");
        }
        if (v.badInput || v.rangeUnderflow || v.rangeOverflow) {
            return text("date");
        }
        return text("invalid");
    }

    function errorFor(input) {
        var id = (input.id || input.name) + "_error";
        var node = document.getElementById(id);
        if (!node) {
            node = document.createElement("p");
            node.id = id;
            node.className = "educonnect_field_error";
            input.parentNode.insertBefore(node, input.nextSibling);
        }
        return node;
    }

    function describe(input, id, on) {
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(
            function (x) { return x && x !== id; });
        if (on) {
            ids.unshift(id);
        }
        if (ids.length) {
            input.setAttribute("aria-describedby", ids.join(" "));
        } else {
            input.removeAttribute("aria-describedby");
        }
        if (on) {
            input.setAttribute("aria-invalid", "true");
        } else {
            input.removeAttribute("aria-invalid");
        }
    }

    function clear(input) {
        input.setCustomValidity("");
        var node = document.getElementById((input.id || input.name) + "_error");
        if (node && !node.hasAttribute("data-server")) {
            node.parentNode.removeChild(node);
            describe(input, node.id, false);
        }
    }

    function invalid(event) {
        var input = event.target;
        input.setCustomValidity("");
        // Without the page's message, the browser's own is shown.
        var said = message(input) || input.validationMessage;
        input.setCustomValidity(said);
        var node = errorFor(input);
        node.textContent = said;
        describe(input, node.id, true);
    }

    /* « Renvoyer le code »: the button is disabled for the wait the server
     * rendered (#resend_wait, data-seconds), whose seconds tick in a visible
     * line that screen readers skip (aria-hidden); the polite live region
     * (#resend_wait, role=status) speaks twice only: at the start, and when
     * the button becomes available. Without this script the button stays
     * enabled and the server refuses an early request with the time left. */
    function countdown() {
        var status = document.getElementById("resend_wait");
        var seconds = status && parseInt(status.getAttribute("data-seconds"), 10);
        var button = status && status.parentNode.querySelector("button[type=submit]");
        if (!(seconds > 0) || !button || !text("wait_tick")) {
            return;
        }
        var end = Date.now() + seconds * 1000;
        var tick = document.createElement("p");
        tick.id = "resend_tick";
        tick.className = "educonnect_wait";
        tick.setAttribute("aria-hidden", "true");
        status.parentNode.insertBefore(tick, status);
        status.classList.add("sr-only");
        button.disabled = true;
        button.setAttribute("aria-describedby", "resend_wait");

        function left() {
            return Math.max(0, Math.ceil((end - Date.now()) / 1000));
        }
        // A live region's first content is not read: it is emptied, then
        // filled again once, with the wait.
        status.textContent = "";
        setTimeout(function () {
            if (left() > 0) {
                status.textContent = text("wait_start", {seconds: left()});
            }
        }, 150);
        var timer;
        function update() {
            var now = left();
            if (now > 0) {
                tick.textContent = text("wait_tick", {seconds: now});
                return;
            }
            clearInterval(timer);
            tick.parentNode.removeChild(tick);
            status.textContent = text("wait_over");
            status.classList.remove("sr-only");
            button.disabled = false;
        }
        update();
        timer = setInterval(update, 250);
    }

    function init() {
        var inputs = document.querySelectorAll("form input, form select");
        Array.prototype.forEach.call(inputs, function (input) {
            input.addEventListener("invalid", invalid);
            input.addEventListener("input", function () { clear(input); });
        });
        // The server's messages under a field (« id »_error) are tied to it.
        var notes = document.querySelectorAll(".educonnect_field_error[data-server]");
        Array.prototype.forEach.call(notes, function (note) {
            var input = document.getElementById(note.id.replace(/_error$/, ""));
            if (input) {
                describe(input, note.id, true);
            }
        });
        // The server's error: tied to its field (data-field) and focused,
        // so that a screen reader reads both.
        var server = document.querySelector("[data-educonnect-error]");
        if (server) {
            var name = server.getAttribute("data-field");
            var field = name && document.querySelector("form [name='" + name + "']");
            if (field) {
                describe(field, server.id, true);
                field.focus();
            }
        }
        countdown();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();

/* Public pages of pupils and guardians: the browser's own validation
 * messages in French whatever its language (RGAA 11.10), each shown under
 * its field and tied to it (aria-describedby), and the server's error
 * announced and linked to the field it is about (RGAA 11.10, 7.5).
 * Plain script (no Odoo module): these pages load no web client. */
(function () {
    "use strict";

    function message(input) {
        var v = input.validity;
        if (v.valueMissing) {
            return input.type === "email"
                ? "Saisissez votre adresse électronique."
                : "Ce champ est obligatoire : complétez-le.";
        }
        if (v.typeMismatch && input.type === "email") {
            return "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.";
        }
        if (v.tooShort) {
            return "Saisissez au moins " + input.minLength + " caractères (vous en avez saisi " +
                input.value.length + ").";
        }
        if (v.patternMismatch) {
            return input.getAttribute("data-pattern-message") ||
                "Le format de ce champ n'est pas valide.";
        }
        if (v.badInput || v.rangeUnderflow || v.rangeOverflow) {
            return "Saisissez une date valide (jour, mois, année).";
        }
        return "Ce champ n'est pas valide.";
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
        var text = message(input);
        input.setCustomValidity(text);
        var node = errorFor(input);
        node.textContent = text;
        describe(input, node.id, true);
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
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();

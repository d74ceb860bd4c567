odoo.define('educonnect_accounts.errors', function (require) {
"use strict";
/**
 * What school staff see when the server refuses or fails, and when they
 * change establishment.
 *
 * - Error dialogs: Odoo titles them with the server's English « Odoo Server
 *   Error » (the JSON-RPC error's message, never translated); the title is
 *   French here, the subtitle (« Erreur d'accès », « Avertissement »…) and
 *   the message stay the server's.
 * - Establishment switch (top bar): Odoo reloads the same address, so a
 *   record of the establishment left stays open, its read is refused by
 *   the record rules and the page stays blank behind an error. The address
 *   loses the record and goes back to the list of the same menu.
 */
var core = require('web.core');
var CrashManager = require('web.CrashManager');
var session = require('web.session');
var SwitchCompanyMenu = require('web.SwitchCompanyMenu');

var _t = core._t;
var SERVER_TITLES = ["Odoo Server Error", "Odoo Warning", "Odoo Error"];

CrashManager.include({
    show_warning: function (error) {
        if (error && (!error.type || _.contains(SERVER_TITLES, error.type))
                && _.contains(SERVER_TITLES, error.message)) {
            error = _.extend({}, error, {message: _t("The action was not carried out")});
        }
        return this._super(error);
    },
    show_error: function (error) {
        if (error && (!error.type || _.contains(SERVER_TITLES, error.type))
                && _.contains(SERVER_TITLES, error.message)) {
            error = _.extend({}, error, {message: _t("An error occurred on the server")});
        }
        return this._super(error);
    },
});

/**
 * The address to reload after a change of establishment: the same menu and
 * action, without the record (a form becomes its list).
 */
function addressWithoutRecord(hash) {
    var state = $.deparam(hash.replace(/^#/, ''));
    delete state.id;
    delete state.active_id;
    if (state.view_type === 'form') {
        state.view_type = 'list';
    }
    return '#' + $.param(state);
}

SwitchCompanyMenu.include({
    start: function () {
        var self = this;
        var result = this._super.apply(this, arguments);
        // Odoo's own handler reloads the same address: replaced.
        this.$el.off('click', '.dropdown-menu li a[data-menu]');
        this.$el.on('click', '.dropdown-menu li a[data-menu]', _.debounce(function (ev) {
            ev.preventDefault();
            var companyId = $(ev.currentTarget).data('company-id');
            self._rpc({
                model: 'res.users',
                method: 'write',
                args: [[session.uid], {company_id: companyId}],
            }).then(function () {
                window.history.replaceState(null, '',
                    window.location.pathname + window.location.search
                    + addressWithoutRecord(window.location.hash));
                window.location.reload();
            });
        }, 1500, true));
        return result;
    },
});

return {addressWithoutRecord: addressWithoutRecord};
});

odoo.define('educonnect_accounts.views', function (require) {
"use strict";
/**
 * The lists and forms of pupils and guardians without Odoo's generic
 * actions, which the guide does not have (the server refuses them too:
 * educonnect.siecle.record):
 * - lists (js_class="educonnect_list"): no « Exporter » (the guide's list
 *   is « Action › Lister les comptes »), no « Archiver / Désarchiver »
 *   (people leave by the SIECLE import), no « Supprimer »;
 * - forms (js_class="educonnect_form"): the « Modifier » button corrects
 *   the person's details; it is named so, not to be taken for the guide's
 *   « Modifier les comptes » (a password reset).
 */
var core = require('web.core');
var FormController = require('web.FormController');
var FormView = require('web.FormView');
var ListController = require('web.ListController');
var ListRenderer = require('web.ListRenderer');
var ListView = require('web.ListView');
var viewRegistry = require('web.view_registry');

var _t = core._t;

var EduconnectListController = ListController.extend({
    init: function () {
        this._super.apply(this, arguments);
        this.archiveEnabled = false;
    },
    renderSidebar: function ($node) {
        this._super.apply(this, arguments);
        if (this.sidebar) {
            // Odoo's generic entries are the items with a callback; the
            // actions of the guide bound to the model (Lister les comptes,
            // (Re)notifier…) are ir.actions and stay.
            this.sidebar.items.other = _.filter(this.sidebar.items.other,
                function (item) { return !item.callback; });
            this.sidebar._redraw();
        }
    },
});

/**
 * The « Verrouillé » column (widget="educonnect_locked") shows only when an
 * account of the page is locked: an empty column on every list says
 * nothing, one that appears is seen.
 */
var EduconnectListRenderer = ListRenderer.extend({
    init: function (parent, state) {
        this._educonnectState = state;
        this._super.apply(this, arguments);
    },
    updateState: function (state) {
        // Odoo computes the columns before it keeps the new state.
        this._educonnectState = state;
        return this._super.apply(this, arguments);
    },
    _processColumns: function () {
        this._super.apply(this, arguments);
        var state = this._educonnectState || this.state;
        if (!state || (state.groupedBy && state.groupedBy.length)) {
            return;
        }
        var anyLocked = _.some(state.data, function (record) {
            return record.data && record.data.educonnect_locked;
        });
        if (!anyLocked) {
            this.columns = _.reject(this.columns, function (column) {
                return column.attrs && column.attrs.widget === 'educonnect_locked';
            });
        }
    },
});

var EduconnectListView = ListView.extend({
    config: _.extend({}, ListView.prototype.config, {
        Controller: EduconnectListController,
        Renderer: EduconnectListRenderer,
    }),
});

var EduconnectFormController = FormController.extend({
    renderButtons: function () {
        this._super.apply(this, arguments);
        if (this.$buttons) {
            this.$buttons.find('.o_form_button_edit')
                .text(_t("Correct the details"))
                .attr('title', _t("Correct the details from SIECLE (names, class, e-mail…). To give new passwords, use Action › Reset passwords."));
        }
    },
});

var EduconnectFormView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: EduconnectFormController,
    }),
});

/**
 * A background batch refreshes itself while it is queued or running: staff
 * see the progress without pressing anything, and the file once it is done.
 */
var REFRESH_MS = 3000;

var EduconnectBatchFormController = FormController.extend({
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            self._educonnectTimer = setInterval(self._educonnectRefresh.bind(self),
                                                REFRESH_MS);
        });
    },
    destroy: function () {
        clearInterval(this._educonnectTimer);
        this._super.apply(this, arguments);
    },
    _educonnectRefresh: function () {
        var record = this.model.get(this.handle);
        var running = record && record.data
            && _.contains(['queued', 'running'], record.data.state);
        // Not while a previous refresh is in flight, nor when the page is
        // hidden behind another action.
        if (running && !this._educonnectLoading && this.$el.is(':visible')) {
            var self = this;
            this._educonnectLoading = true;
            this.reload().always(function () {
                self._educonnectLoading = false;
            });
        }
    },
});

var EduconnectBatchFormView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: EduconnectBatchFormController,
    }),
});

/** A form without Odoo's Print and Action menus (establishment settings). */
var EduconnectPlainFormController = FormController.extend({
    init: function () {
        this._super.apply(this, arguments);
        this.hasSidebar = false;
    },
});

var EduconnectPlainFormView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: EduconnectPlainFormController,
    }),
});

viewRegistry.add('educonnect_list', EduconnectListView);
viewRegistry.add('educonnect_batch_form', EduconnectBatchFormView);
viewRegistry.add('educonnect_plain_form', EduconnectPlainFormView);
viewRegistry.add('educonnect_form', EduconnectFormView);

return {
    ListController: EduconnectListController,
    ListRenderer: EduconnectListRenderer,
    FormController: EduconnectFormController,
};
});

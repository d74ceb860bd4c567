odoo.define('educonnect_accounts.action_bar', function (require) {
"use strict";
/**
 * The guide's action bar above the pupil and guardian lists (3.1, 4.1):
 * « N élève(s) sélectionné(s) | (Re)Notifier | Lister | Modifier », and the
 * selection of the whole search (not only the 80 rows of the page), as the
 * guide's header box does. Odoo 11's list selects the rows of the page only:
 * the whole search is given to the wizards as their search (active_domain)
 * with « every account of the search » chosen (default_scope), the wizards
 * count and act on it on the server.
 *
 * With it, the guide's class picker « Classe(s) ▾ »: the establishment's
 * classes in school order (6e → 3e, 2nde → Tle) with « Sélectionner tout »,
 * applied as one facet of the search.
 */
var core = require('web.core');
var ListView = require('web.ListView');
// The EduConnect list (no generic Exporter/Archiver/Supprimer in the Action
// menu, the « Verrouillé » column only when an account is locked): these
// lists are EduConnect lists with the action bar on top.
var educonnectViews = require('educonnect_accounts.views');
var ListController = educonnectViews.ListController;
var ListRenderer = educonnectViews.ListRenderer;
var viewRegistry = require('web.view_registry');

var _t = core._t;
var qweb = core.qweb;

//: The wizards of each list, by button.
var WIZARDS = {
    'educonnect.student': {
        notify: 'educonnect_accounts.educonnect_notify_wizard_action_student',
        list: 'educonnect_accounts.educonnect_list_wizard_action_student',
        reset: 'educonnect_accounts.educonnect_reset_wizard_action_student',
    },
    'educonnect.guardian.link': {
        notify: 'educonnect_accounts.educonnect_notify_wizard_action_guardian',
        list: 'educonnect_accounts.educonnect_list_wizard_action_guardian',
        reset: 'educonnect_accounts.educonnect_reset_wizard_action_guardian',
    },
};

var AccountListRenderer = ListRenderer.extend({
    /**
     * A search that matches nothing says so, instead of the action's help
     * (« Aucun élève dans cet établissement pour l'instant »).
     */
    _renderView: function () {
        if (this.emptyHelp === undefined) {
            this.emptyHelp = this.noContentHelp;
        }
        var searching = this.state.domain && this.state.domain.length > 0;
        this.noContentHelp = searching ? qweb.render(
            'educonnect_accounts.NoMatch', {model: this.state.model}
        ) : this.emptyHelp;
        return this._super.apply(this, arguments);
    },
});

var AccountListController = ListController.extend({
    events: _.extend({}, ListController.prototype.events, {
        'click .o_educonnect_select_search': '_onSelectSearch',
        'click .o_educonnect_clear_search': '_onClearSearch',
        'click .o_educonnect_action': '_onAction',
        'click .o_educonnect_class_toggle': '_onToggleClasses',
        'change .o_educonnect_class_all': '_onSelectAllClasses',
        'change .o_educonnect_class_item': '_onClassTicked',
        'click .o_educonnect_class_apply': '_onApplyClasses',
    }),

    init: function () {
        this._super.apply(this, arguments);
        this.wholeSearch = false;
        this.searchCount = 0;
        this.classes = [];
        // The search view's facet of the picker reads its domain here.
        this.classField = {
            get_domain: function (facet) {
                return [['class_id', 'in', facet.values.map(function (v) {
                    return v.get('value');
                })]];
            },
            get_context: function () {},
            get_groupby: function () {},
        };
    },
    willStart: function () {
        var self = this;
        // The establishment's classes (the record rules keep those of the
        // establishment chosen), in the model's order: school order.
        var classes = this._rpc({
            model: 'educonnect.class', method: 'search_read',
            args: [[], ['name']],
        }).then(function (rows) {
            self.classes = rows;
        });
        return $.when(this._super.apply(this, arguments), classes);
    },
    start: function () {
        this.$actionBar = $('<div class="o_educonnect_action_bar"/>');
        return this._super.apply(this, arguments).then(
            this._renderActionBar.bind(this));
    },

    //--------------------------------------------------------------------------
    // Private
    //--------------------------------------------------------------------------

    /**
     * A new search (or page): the selection starts again, and the number of
     * rows the search matches is read (grouped lists count groups).
     */
    _update: function () {
        var self = this;
        this.wholeSearch = false;
        return this._super.apply(this, arguments).then(function () {
            return self._rpc({
                model: self.modelName, method: 'search_count',
                args: [self._searchDomain()],
            });
        }).then(function (count) {
            self.searchCount = count;
            self._renderActionBar();
        });
    },
    _searchView: function () {
        var parent = this.getParent();
        return parent && parent.searchview;
    },
    /**
     * The classes of the picker's facet in the search (none: every class).
     */
    _pickedClassIds: function () {
        var self = this;
        var searchView = this._searchView();
        var facet = searchView && searchView.query.find(function (f) {
            return f.get('field') === self.classField;
        });
        return facet ? facet.values.map(function (v) { return v.get('value'); }) : [];
    },
    _searchDomain: function () {
        return this.model.get(this.handle).getDomain();
    },
    _pageIds: function () {
        return _.pluck(this.model.get(this.handle, {raw: true}).data, 'res_id');
    },
    _renderActionBar: function () {
        if (!this.$actionBar) {
            return;
        }
        var selected = this.selectedRecords.length;
        var pageSelected = selected > 0 && !this.model.get(this.handle).groupedBy.length &&
            selected === this._pageIds().length;
        var count = this.wholeSearch ? this.searchCount : selected;
        var pupils = this.modelName === 'educonnect.student';
        // Every row of the page ticked, and the search has more.
        var offer = !this.wholeSearch && pageSelected &&
            this.searchCount > selected;
        var sprintf = _.str.sprintf;
        var picked = this._pickedClassIds();
        this.$actionBar.html(qweb.render('educonnect_accounts.ActionBar', {
            label: sprintf(pupils ? _t("%s pupil(s) selected") :
                           _t("%s guardian(s) selected"), count),
            offer: offer && sprintf(
                _t("The %s rows of this page are selected."), selected),
            offerLink: offer && sprintf(
                _t("Select the %s rows of the search"), this.searchCount),
            whole: this.wholeSearch && sprintf(
                _t("The %s rows of the search are selected."), this.searchCount),
            classes: this.classes,
            picked: picked,
            allPicked: this.classes.length > 0 && picked.length === this.classes.length,
        }));
        this.$actionBar.find('.o_educonnect_action').prop('disabled', !count);
        if (!this.$actionBar.parent().length) {
            this.$actionBar.prependTo(this.$el);
        }
    },

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    _onSelectionChanged: function () {
        this._super.apply(this, arguments);
        if (this.selectedRecords.length !== this._pageIds().length) {
            this.wholeSearch = false;
        }
        this._renderActionBar();
    },
    _onSelectSearch: function (ev) {
        ev.preventDefault();
        this.wholeSearch = true;
        this._renderActionBar();
    },
    _onClearSearch: function (ev) {
        ev.preventDefault();
        this.wholeSearch = false;
        // Unticked as a user would: the renderer tells the new selection.
        this.renderer.$('.o_list_record_selector input').prop('checked', false);
        this.renderer._updateSelection();
    },
    _onToggleClasses: function (ev) {
        ev.preventDefault();
        this.$actionBar.find('.o_educonnect_class_menu').toggle();
    },
    _onSelectAllClasses: function (ev) {
        this.$actionBar.find('.o_educonnect_class_item').prop(
            'checked', $(ev.currentTarget).prop('checked'));
    },
    _onClassTicked: function () {
        var $items = this.$actionBar.find('.o_educonnect_class_item');
        this.$actionBar.find('.o_educonnect_class_all').prop(
            'checked', $items.length === $items.filter(':checked').length);
    },
    /**
     * The ticked classes become one facet « Classe(s) » of the search (it
     * replaces the previous one; none ticked: no facet).
     */
    _onApplyClasses: function (ev) {
        ev.preventDefault();
        var self = this;
        var searchView = this._searchView();
        var ids = this.$actionBar.find('.o_educonnect_class_item:checked').map(
            function () { return parseInt($(this).val(), 10); }).get();
        var previous = searchView.query.filter(function (f) {
            return f.get('field') === self.classField;
        });
        var values = _.map(_.filter(this.classes, function (c) {
            return _.contains(ids, c.id);
        }), function (c) {
            return {label: c.name, value: c.id};
        });
        if (previous.length) {
            searchView.query.remove(previous, {silent: !!values.length});
        }
        if (values.length) {
            searchView.query.add({
                category: _t("Class(es)"),
                field: this.classField, values: values,
            });
        }
    },
    _onAction: function (ev) {
        ev.preventDefault();
        var self = this;
        var which = $(ev.currentTarget).data('action');
        if (!this.wholeSearch && !this.selectedRecords.length) {
            return;
        }
        this.do_action(WIZARDS[this.modelName][which], {
            additional_context: {
                active_model: this.modelName,
                active_ids: this.getSelectedIds(),
                active_domain: this._searchDomain(),
                default_scope: this.wholeSearch ? 'search' : 'selected',
            },
            on_close: function () {
                self.reload();
            },
        });
    },
});

var AccountListView = ListView.extend({
    config: _.extend({}, ListView.prototype.config, {
        Controller: AccountListController,
        Renderer: AccountListRenderer,
    }),
});

viewRegistry.add('educonnect_account_list', AccountListView);

return {
    AccountListController: AccountListController,
    AccountListRenderer: AccountListRenderer,
    AccountListView: AccountListView,
};
});

odoo.define('educonnect_accounts_stats.history_graph', function (require) {
"use strict";
/**
 * « Historique de l'activation »: numbers of accounts are whole numbers on
 * the axis and in the tooltip (Odoo's line chart prints every measure with
 * two decimals, « 357,00 », and ticks such as « 1,50 » for small counts),
 * and the axis starts at zero so that the line shows the progress over the
 * nights, not the noise. (Odoo 11's graph views take no js_class: the
 * renderer is extended for this model only.)
 */
var GraphRenderer = require('web.GraphRenderer');
var field_utils = require('web.field_utils');

var TICKS = 6;

GraphRenderer.include({
    _renderLineChart: function () {
        var chart = this._super.apply(this, arguments);
        var controller = this.getParent();
        if (!chart || !controller ||
                controller.modelName !== 'educonnect.stats.line') {
            return chart;
        }
        var top = _.max(_.pluck(this.state.data, 'value').concat([1]));
        var step = Math.max(1, Math.ceil(top / TICKS));
        var ticks = _.range(0, top + step, step);
        var whole = function (d) {
            return field_utils.format.integer(Math.round(d));
        };
        chart.forceY([0, _.last(ticks)]);
        chart.yAxis.tickValues(ticks).tickFormat(whole);
        if (chart.interactiveLayer) {
            chart.interactiveLayer.tooltip.valueFormatter(whole);
        }
        chart.update();
        return chart;
    },
});

});

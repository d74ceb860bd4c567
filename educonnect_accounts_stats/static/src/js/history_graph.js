odoo.define('educonnect_accounts_stats.history_graph', function (require) {
"use strict";
/**
 * « Historique de l'activation »: numbers of accounts are whole numbers on
 * the axis and in the tooltip (Odoo's line chart prints every measure with
 * two decimals, « 357,00 », and ticks such as « 1,50 » for small counts),
 * and the axis starts at zero so that the line shows the progress over the
 * nights, not the noise. The nights are placed by their date, not one
 * after the other: a night without statistics (the server was off) leaves
 * a gap on the axis instead of being hidden. (Odoo 11's graph views take no
 * js_class: the renderer is extended for this model only.)
 */
var GraphRenderer = require('web.GraphRenderer');
var field_utils = require('web.field_utils');

var TICKS = 6;
var DAY_LABEL = 'DD MMM YYYY';  // read_group's « dd MMM yyyy » for a day

/**
 * The day of each label of the x axis (« 01 sept. 2026 », in the user's
 * language, as read_group writes it), counted from the first one; null
 * when a label is not a day (another grouping chosen by the user).
 */
function daysFromFirst(labels) {
    var days = _.map(labels, function (label) {
        var day = moment(label, DAY_LABEL, true);
        return day.isValid() ? day : null;
    });
    if (!days.length || _.contains(days, null)) {
        return null;
    }
    return _.map(days, function (day) {
        return Math.round(day.diff(days[0], 'days', true));
    });
}

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
        // Room for the last night's date (Odoo leaves no right margin).
        chart.margin({right: 60});
        this._educonnectPlaceNights(chart);
        chart.yAxis.tickValues(ticks).tickFormat(whole);
        if (chart.interactiveLayer) {
            chart.interactiveLayer.tooltip.valueFormatter(whole);
        }
        chart.update();
        return chart;
    },
    /**
     * x of each point = its night's day, counted from the first night.
     */
    _educonnectPlaceNights: function (chart) {
        var labels = _.uniq(_.map(this.state.data, function (point) {
            return _.isArray(point.labels) ? point.labels[0] : point.labels;
        }));
        var offsets = daysFromFirst(labels);
        if (!offsets) {
            return;
        }
        var svg = d3.select(this.$el[0]).select('svg');
        _.each(svg.datum(), function (serie) {
            _.each(serie.values, function (point) {
                point.x = offsets[point.x];
            });
        });
        var labelAt = _.object(offsets, labels);
        chart.xAxis.tickValues(offsets).tickFormat(function (d) {
            return labelAt[d];
        });
    },
});

});

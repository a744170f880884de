/*
 * top_plot.c — `xl top -o FILE.svg': the samples xl top took, kept per
 * domain, drawn as one self-contained SVG (no scripts, fonts or external
 * references): CPU % over time above, memory (MiB) over time below, one
 * coloured line per domain and a legend.  A domain that appears or goes
 * away mid-run has a line only where it existed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

int xl_top_plot_init(struct xl_top_plot *p, unsigned cap)
{
    memset(p, 0, sizeof(*p));
    p->cap = cap ? cap : 1;
    p->t = calloc(p->cap, sizeof(*p->t));
    return p->t ? 0 : -1;
}

void xl_top_plot_free(struct xl_top_plot *p)
{
    for (unsigned i = 0; i < p->nseries; i++) {
        free(p->series[i].cpu);
        free(p->series[i].mem_mib);
    }
    free(p->series);
    free(p->t);
    memset(p, 0, sizeof(*p));
}

static struct xl_top_series *series_for(struct xl_top_plot *p, const struct xl_top_dom *d)
{
    struct xl_top_series *s, *ns;

    for (unsigned i = 0; i < p->nseries; i++)
        if (p->series[i].domid == d->domid && !strcmp(p->series[i].name, d->name))
            return &p->series[i];
    ns = realloc(p->series, (p->nseries + 1) * sizeof(*ns));
    if (!ns)
        return NULL;
    p->series = ns;
    s = &ns[p->nseries];
    memset(s, 0, sizeof(*s));
    s->domid = d->domid;
    snprintf(s->name, sizeof(s->name), "%s", d->name);
    s->cpu = malloc(p->cap * sizeof(double));
    s->mem_mib = malloc(p->cap * sizeof(double));
    if (!s->cpu || !s->mem_mib) {
        free(s->cpu);
        free(s->mem_mib);
        return NULL;
    }
    for (unsigned k = 0; k < p->cap; k++)
        s->cpu[k] = s->mem_mib[k] = NAN;     /* not there at that time */
    p->nseries++;
    return s;
}

int xl_top_plot_add(struct xl_top_plot *p, const struct xl_top_sample *prev,
                    const struct xl_top_sample *cur)
{
    unsigned k = p->nsamples;

    if (k >= p->cap)
        return -1;
    if (k == 0)
        p->t0 = cur->t;
    p->t[k] = (double)(cur->t.tv_sec - p->t0.tv_sec) +
              (double)(cur->t.tv_usec - p->t0.tv_usec) / 1e6;
    for (int i = 0; i < cur->n; i++) {
        struct xl_top_series *s = series_for(p, &cur->doms[i]);

        if (!s)
            return -1;
        /* the first sample has no interval: no CPU % point */
        s->cpu[k] = prev && xl_top_find(prev, cur->doms[i].domid)
                        ? xl_top_cpu_pct(prev, cur, &cur->doms[i]) : NAN;
        s->mem_mib[k] = (double)cur->doms[i].mem_kb / 1024.0;
    }
    p->nsamples++;
    return 0;
}

/* Text for an SVG element: the five XML specials escaped. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            /* control characters are not allowed in XML 1.0 */
            fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
        }
    }
}

/* A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
double xl_top_axis_max(double v)
{
    double p = 1.0;

    if (!(v > 0) || v > 1e15)
        return 1.0;
    /* the power of ten at or below v, without libm */
    while (p * 10.0 <= v)
        p *= 10.0;
    while (p > v)
        p /= 10.0;
    for (int i = 0; i < 3; i++) {
        static const double m[3] = { 1.0, 2.0, 5.0 };
        if (v <= m[i] * p)
            return m[i] * p;
    }
    return 10.0 * p;
}

static const char *const palette[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};

#define W      900
#define PANEL  260
#define LEFT   70
#define RIGHT  190
#define TOP    40
#define GAP    60

static void panel(FILE *f, const struct xl_top_plot *p, int y0, const char *title,
                  const char *unit, bool cpu)
{
    double tmax = p->nsamples ? p->t[p->nsamples - 1] : 0, vmax = 0;
    int pw = W - LEFT - RIGHT;

    for (unsigned i = 0; i < p->nseries; i++)
        for (unsigned k = 0; k < p->nsamples; k++) {
            double v = cpu ? p->series[i].cpu[k] : p->series[i].mem_mib[k];
            if (!isnan(v) && v > vmax)
                vmax = v;
        }
    vmax = xl_top_axis_max(vmax);
    if (tmax <= 0)
        tmax = 1;
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">", LEFT, y0 - 10);
    xml_text(f, title);
    fprintf(f, "</text>\n");
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
            "stroke=\"#888\"/>\n", LEFT, y0, pw, PANEL);
    for (int g = 0; g <= 4; g++) {
        int y = y0 + PANEL - g * PANEL / 4;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                LEFT, y, LEFT + pw, y);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
                LEFT - 6, y + 4, vmax * g / 4);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 %d %d)\" "
            "text-anchor=\"middle\">", 16, y0 + PANEL / 2, 16, y0 + PANEL / 2);
    xml_text(f, unit);
    fprintf(f, "</text>\n");
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>\n", LEFT, y0 + PANEL + 14);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.0f s</text>\n",
            LEFT + pw, y0 + PANEL + 14, tmax);
    for (unsigned i = 0; i < p->nseries; i++) {
        const char *col = palette[i % (sizeof(palette) / sizeof(palette[0]))];
        bool open = false;

        /* one polyline per stretch of time the domain existed */
        for (unsigned k = 0; k < p->nsamples; k++) {
            double v = cpu ? p->series[i].cpu[k] : p->series[i].mem_mib[k];
            if (isnan(v)) {
                if (open)
                    fprintf(f, "\"/>\n");
                open = false;
                continue;
            }
            if (!open)
                fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        "points=\"", col);
            fprintf(f, "%s%.1f,%.1f", open ? " " : "",
                    LEFT + p->t[k] / tmax * pw, y0 + PANEL - (v > vmax ? vmax : v) / vmax * PANEL);
            open = true;
        }
        if (open)
            fprintf(f, "\"/>\n");
    }
}

void xl_top_plot_svg(FILE *f, const struct xl_top_plot *p)
{
    int h = TOP + 2 * PANEL + GAP + 40;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n", W, h, W, h);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, h);
    panel(f, p, TOP, "CPU usage per domain", "CPU %", true);
    panel(f, p, TOP + PANEL + GAP, "Memory per domain", "MiB", false);
    for (unsigned i = 0; i < p->nseries; i++) {
        const char *col = palette[i % (sizeof(palette) / sizeof(palette[0]))];
        int y = TOP + 10 + (int)i * 18;

        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>\n",
                W - RIGHT + 16, y, col);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", W - RIGHT + 36, y + 6);
        xml_text(f, p->series[i].name);
        fprintf(f, " (%u)</text>\n", p->series[i].domid);
    }
    fprintf(f, "</svg>\n");
}

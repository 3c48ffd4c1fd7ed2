import { readFileSync } from 'fs';
import { join } from 'path';
import type { ReportData } from './model';

/**
 * The report page and the console page: one HTML document each, with the
 * stylesheet, the script (assets/, plain browser JavaScript copied beside
 * the compiled module) and, for a report, the data and the workflow's SVG
 * inline, so that a report opens from disk with no network.
 */

function asset(name: string): string {
  return readFileSync(join(__dirname, 'assets', name), 'utf8');
}

/** JSON inside a script element: `<` escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load from the network: styles and scripts are inline, images are inline SVG.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; '
      + 'img-src data:; connect-src \'self\'">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${asset('report.css')}</style>`,
    '</head><body>',
    body,
    `<script>${asset('report.js')}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The self-contained report of one session; `svg` is `unum graph --format svg`'s picture of its workflow. */
export function reportHtml(data: ReportData, svg: string | undefined): string {
  const title = `${data.workflow} ${data.session} ${data.status}`;
  return page(`cdk-unum: ${title}`, [
    `<header class="top"><h1>cdk-unum session report</h1><span class="sub">${escapeHtml(title)}</span></header>`,
    '<main id="app"></main>',
    svg === undefined ? '' : `<template id="unum-graph">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</template>`,
    `<script id="unum-data" type="application/json">${scriptJson(data)}</script>`,
  ].join('\n'));
}

export interface ConsoleConfig {
  readonly dataDir: string;
  /** Sessions can be started from the page (`unum ui --allow-run`). */
  readonly allowRun: boolean;
  readonly workflows: readonly string[];
}

/** The console's page; it reads the sessions from the console's API. */
export function consoleHtml(config: ConsoleConfig): string {
  return page('cdk-unum console', [
    `<header class="top"><h1>cdk-unum console</h1><span class="sub">${escapeHtml(config.dataDir)}${config.allowRun ? '' : ' (read-only)'}</span></header>`,
    '<div id="app"></div>',
    `<script id="unum-console" type="application/json">${scriptJson(config)}</script>`,
  ].join('\n'));
}

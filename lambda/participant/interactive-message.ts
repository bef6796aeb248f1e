/**
 * Connect's interactive messages (`application/vnd.amazonaws.connect.
 * message.interactive`) as one plain text for SMS. The content is a
 * template in the JSON shape of the Amazon Connect administrator guide's
 * "Add interactive messages to chat": `{ templateType, version, data: {
 * content: { title, subtitle, elements | timeslots } } }`. A carousel's
 * elements are list picker or panel templates of their own.
 */

/** The templates the bridge renders; any other gets the fallback text. */
export const RENDERED_TEMPLATES = [
  'ListPicker',
  'Panel',
  'QuickReply',
  'TimePicker',
  'Carousel',
] as const;

export type RenderedTemplate = (typeof RENDERED_TEMPLATES)[number];

export interface RenderedMessage {
  readonly template: RenderedTemplate;
  readonly text: string;
}

type Json = Readonly<Record<string, unknown>>;

/**
 * The title (and subtitle), then the options numbered from 1: a list
 * picker's, panel's or quick reply's elements (with a list picker
 * element's subtitle), a time picker's time slots (date and duration in
 * minutes), or each card of a carousel in turn, numbered on across cards.
 * `undefined` for anything else: not JSON, a template the bridge does not
 * know, or one with neither a title nor an option to show.
 */
export const renderInteractiveMessage = (
  content: string
): RenderedMessage | undefined => {
  const template = parseObject(content);
  const type = template?.templateType;
  if (!isRenderedTemplate(type) || template === undefined) return undefined;
  const lines = renderTemplate(type, template, { next: 1 });
  if (lines === undefined) return undefined;
  const text = lines.join('\n').trim();
  return text === '' ? undefined : { template: type, text };
};

interface Numbering {
  next: number;
}

const renderTemplate = (
  type: RenderedTemplate,
  template: Json,
  numbering: Numbering
): string[] | undefined => {
  const content = objectAt(objectAt(template, 'data'), 'content');
  if (content === undefined) return undefined;
  const heading = [textAt(content, 'title'), textAt(content, 'subtitle')];
  if (type === 'Carousel') {
    const cards = arrayAt(content, 'elements').flatMap((value) => {
      const card = objectOf(value);
      const cardType = card?.templateType;
      if (card === undefined || cardType === 'Carousel') return [];
      if (!isRenderedTemplate(cardType)) return [];
      const lines = renderTemplate(cardType, card, numbering);
      return lines === undefined ? [] : ['', ...lines];
    });
    return present([...heading, ...cards]);
  }
  // A time picker's location is a line of its own, not a choice.
  const location =
    type === 'TimePicker'
      ? [textAt(objectAt(content, 'location'), 'title')]
      : [];
  const options =
    type === 'TimePicker'
      ? arrayAt(content, 'timeslots').map(timeslot)
      : arrayAt(content, 'elements').map(element);
  const numbered = options
    .filter((option): option is string => option !== undefined)
    .map((option) => `${numbering.next++}. ${option}`);
  return present([...heading, ...location, ...numbered]);
};

/** An element as its title, and its subtitle (a list picker's price). */
const element = (value: unknown): string | undefined => {
  const title = textAt(objectOf(value), 'title');
  const subtitle = textAt(objectOf(value), 'subtitle');
  if (title === undefined) return undefined;
  return subtitle === undefined ? title : `${title} - ${subtitle}`;
};

/** A time slot as its start (as the template gives it) and length. */
const timeslot = (value: unknown): string | undefined => {
  const slot = objectOf(value);
  const date = textAt(slot, 'date');
  if (date === undefined) return undefined;
  const duration = slot?.duration;
  const start = date.replace('T', ' ');
  return typeof duration === 'number' && Number.isFinite(duration)
    ? `${start} (${duration} min)`
    : start;
};

const present = (lines: (string | undefined)[]): string[] | undefined => {
  const kept = lines.filter((line): line is string => line !== undefined);
  return kept.some((line) => line !== '') ? kept : undefined;
};

const isRenderedTemplate = (value: unknown): value is RenderedTemplate =>
  (RENDERED_TEMPLATES as readonly unknown[]).includes(value);

const parseObject = (text: string): Json | undefined => {
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
};

const objectOf = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;

const objectAt = (value: Json | undefined, key: string): Json | undefined =>
  objectOf(value?.[key]);

const arrayAt = (value: Json | undefined, key: string): readonly unknown[] => {
  const member = value?.[key];
  return Array.isArray(member) ? member : [];
};

/** A string member as one trimmed line, or `undefined` if blank. */
const textAt = (value: Json | undefined, key: string): string | undefined => {
  const member = value?.[key];
  if (typeof member !== 'string') return undefined;
  const line = member.replace(/\s+/g, ' ').trim();
  return line === '' ? undefined : line;
};

import { GppModel } from '@iabgpp/cmpapi';

/** The US sections of the IAB Global Privacy Platform that carry sale and sharing opt-outs. */
const US_SECTIONS = [
  'usnat',
  'usca',
  'usva',
  'usco',
  'usut',
  'usct',
  'usfl',
  'usmt',
  'usor',
  'ustx',
  'usde',
  'usia',
  'usne',
  'usnh',
  'usnj',
  'ustn',
];
/** The opt-out fields; 1 means "opted out" in every US section (IAB GPP US specifications). */
const OPT_OUTS = ['SaleOptOut', 'SharingOptOut'];

/**
 * Does a GPP string say the person opted out of the sale or sharing of their data in a US section? Decoded with
 * IAB's own library; a string it cannot decode says nothing.
 */
export function gppOptsOutOfSale(gpp: string): boolean {
  let model: GppModel;
  try {
    model = new GppModel(gpp);
  } catch {
    return false;
  }
  return US_SECTIONS.some((section) => {
    try {
      return model.hasSection(section) && OPT_OUTS.some((field) => model.getFieldValue(section, field) === 1);
    } catch {
      return false;
    }
  });
}

import { UserRoutes } from '../../typings/user.js';
import { serve } from '../shared/platform/route.js';
import { defaultAddress, get, list, remove, save, setDefault } from './routes/addresses.js';
import * as kept from './routes/kept-products.js';
import { consent, templates } from './routes/messages.js';
import { profile, profileUpdate } from './routes/profile.js';

/**
 * The shopper's own profile, address book (phone and street encrypted at rest), subscribe-message consents,
 * favorites and footprints.
 */
export const main = serve({
  [UserRoutes.profile]: profile,
  [UserRoutes.profileUpdate]: profileUpdate,
  [UserRoutes.addressesList]: list,
  [UserRoutes.addressesGet]: get,
  [UserRoutes.addressesSave]: save,
  [UserRoutes.addressesRemove]: remove,
  [UserRoutes.addressesSetDefault]: setDefault,
  [UserRoutes.addressesDefault]: defaultAddress,
  [UserRoutes.messagesTemplates]: templates,
  [UserRoutes.messagesConsent]: consent,
  [UserRoutes.favoritesAdd]: kept.favoritesAdd,
  [UserRoutes.favoritesRemove]: kept.favoritesRemove,
  [UserRoutes.favoritesHas]: kept.favoritesHas,
  [UserRoutes.favoritesList]: kept.favoritesList,
  [UserRoutes.footprintsList]: kept.footprintsList,
  [UserRoutes.footprintsRemove]: kept.footprintsRemove,
  [UserRoutes.footprintsClear]: kept.footprintsClear,
});

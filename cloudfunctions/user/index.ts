import { UserRoutes } from '../../typings/user.js';
import { serve } from '../shared/platform/route.js';
import { defaultAddress, get, list, remove, save, setDefault } from './routes/addresses.js';
import { profile, profileUpdate } from './routes/profile.js';

/** The shopper's own profile and address book (phone and street encrypted at rest). */
export const main = serve({
  [UserRoutes.profile]: profile,
  [UserRoutes.profileUpdate]: profileUpdate,
  [UserRoutes.addressesList]: list,
  [UserRoutes.addressesGet]: get,
  [UserRoutes.addressesSave]: save,
  [UserRoutes.addressesRemove]: remove,
  [UserRoutes.addressesSetDefault]: setDefault,
  [UserRoutes.addressesDefault]: defaultAddress,
});

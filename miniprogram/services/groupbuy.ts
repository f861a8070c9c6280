import type { ActivityDetail, ActivityView, GroupView, SeatTaken } from '../../typings/groupbuy';
import { call } from './call';

/** Group-buys (拼团): activities, opening or joining a group, one group's page. */

export function fetchGroupBuys(): Promise<ActivityView[]> {
  return call('groupbuy', 'list');
}

export function fetchActivity(activityId: string): Promise<ActivityDetail> {
  return call('groupbuy', 'activity', { activityId });
}

export function fetchGroup(groupId: string): Promise<GroupView> {
  return call('groupbuy', 'group', { groupId });
}

export interface Seat {
  skuId: string;
  quantity: number;
  addressId: string;
  /** The same key on a retry gives back the same order (utils/idempotent-attempt.ts). */
  idempotencyKey: string;
}

export function openGroup(activityId: string, seat: Seat): Promise<SeatTaken> {
  return call('groupbuy', 'open', { activityId, ...seat });
}

export function joinGroup(groupId: string, seat: Seat): Promise<SeatTaken> {
  return call('groupbuy', 'join', { groupId, ...seat });
}
